#pragma once

#include <QJsonObject>
#include <QString>

namespace cr {

// One line of the audit log (table audit_log): who did what, when, from where, with what
// result. Details never hold a password, token, key or hash.
struct AuditEntry
{
    qint64 id = 0;
    qint64 atMs = 0;
    QString actorId;    // empty: anonymous (e.g. a failed login) or the system
    QString actorEmail; // filled when listing
    QString action;     // e.g. auth.login, admin.user.update
    QString target;     // what it was done to: a user id, session id, key id or an e-mail
    QString ip;
    QString result; // success | failure | denied
    QJsonObject details;

    QJsonObject toJson() const;

    static constexpr const char *kSuccess = "success";
    static constexpr const char *kFailure = "failure";
    static constexpr const char *kDenied = "denied";
};

} // namespace cr
