#pragma once

#include "core/Principal.h"

#include <QJsonObject>
#include <QString>

namespace cr {

// A named API key (table api_keys). The key itself ("cr_" + 43 base64url characters) is shown
// once at creation; only its BLAKE2b-256 hash is stored.
struct ApiKey
{
    QString id;
    QString userId;
    QString name;
    QString keyHash; // hex
    Role role = Role::Viewer;
    qint64 createdAtMs = 0;
    qint64 expiresAtMs = 0; // 0: never
    qint64 lastUsedAtMs = 0;
    qint64 revokedAtMs = 0;

    // {id, name, role, createdAt, expiresAt, lastUsedAt}: never the hash.
    QJsonObject toJson() const;
};

} // namespace cr
