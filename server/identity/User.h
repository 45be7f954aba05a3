#pragma once

#include "core/Principal.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <optional>

namespace cr {

// An account (table users). Times are wall-clock ms since the epoch; 0 means never.
struct User
{
    QString id;
    QString email; // lower-case
    QString name;
    QByteArray passwordHash; // Argon2id PHC string: never leaves the identity module
    Role role = Role::Developer;
    bool disabled = false;
    qint64 createdAtMs = 0;
    qint64 updatedAtMs = 0;
    qint64 lastLoginAtMs = 0;
    qint64 roleChangedAtMs = 0;

    // {id, email, name, role, createdAt, updatedAt, lastLoginAt}: nothing secret (CONTRACT §3).
    QJsonObject toJson() const;
    // The same plus `disabled`, for administrators.
    QJsonObject toAdminJson() const;

    bool operator==(const User &o) const;
    bool operator!=(const User &o) const { return !(*this == o); }

    // viewer | developer | operator | admin.
    static std::optional<Role> roleFromName(const QString &name);
    static QString roleText(Role role);
};

} // namespace cr
