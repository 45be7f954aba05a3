#pragma once

#include <QJsonObject>
#include <QString>

namespace cr {

// One row of table sessions: one refresh token. Every refresh makes a new row in the same
// family and marks the old one rotated; the family is what a user sees as "a session" (its id
// is the sid claim of the access tokens, and the id of GET/DELETE /api/auth/sessions/:id).
struct Session
{
    QString id;
    QString userId;
    QString familyId;
    QString device;
    QString ip;
    qint64 createdAtMs = 0;  // of the family (login)
    qint64 lastSeenAtMs = 0; // this row's refresh
    qint64 expiresAtMs = 0;  // of the family (login + session lifetime)
    qint64 revokedAtMs = 0;
    qint64 rotatedAtMs = 0;

    // {id (the family), device, ip, createdAt, lastSeenAt, expiresAt, current}
    QJsonObject toJson(const QString &currentFamilyId) const;
};

} // namespace cr
