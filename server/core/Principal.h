#pragma once

#include <QString>
#include <QtGlobal>

namespace cr {

// Roles, least to most (CONTRACT §3). Anonymous is "no credentials".
enum class Role
{
    Anonymous = 0,
    Viewer = 1,
    Developer = 2,
    Operator = 3,
    Admin = 4
};

const char *roleName(Role role);

// Who is calling: filled by the authenticate stage, read by authorize and controllers.
struct Principal
{
    Role role = Role::Anonymous;
    QString userId;
    QString sessionId;
    bool viaApiKey = false;
    QString apiKeyId;       // the key's id when viaApiKey
    qint64 expiresAtMs = 0; // wall-clock ms; 0 for none

    bool isAuthenticated() const { return role != Role::Anonymous; }
};

} // namespace cr
