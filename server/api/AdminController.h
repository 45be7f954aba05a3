#pragma once

#include <QJsonObject>
#include <QString>

#include <functional>

namespace cr {

class Clock;
class Identity;
class Router;

// CONTRACT §4, the account part: GET /api/admin/users, PATCH /api/admin/users/:id (admin),
// GET /api/admin/system and GET /api/admin/logs (operator and admin).
class AdminController
{
public:
    struct System
    {
        QString version;
        QString environment;
        const Clock *clock = nullptr;
        qint64 startedMs = 0;      // monotonic
        QJsonObject database;      // {backend, url (redacted), schemaVersion, latestSchemaVersion}
        QJsonObject configuration; // a summary without secrets
        // What the host offers the sandbox (exec/SandboxProbe): read per request, never waits.
        std::function<QJsonObject()> sandbox;
    };

    AdminController(Identity &identity, System system)
        : m_identity(identity)
        , m_system(std::move(system))
    {}
    void registerRoutes(Router &router) const;

private:
    Identity &m_identity;
    System m_system;
};

} // namespace cr
