#pragma once

namespace cr {

class Identity;
class Router;

// CONTRACT §3's sessions over HTTP: refresh, logout, logout-all, and listing and ending the
// caller's own sessions (/api/auth/refresh, /api/auth/logout*, /api/auth/sessions*).
class SessionController
{
public:
    explicit SessionController(Identity &identity)
        : m_identity(identity)
    {}
    void registerRoutes(Router &router) const;

private:
    Identity &m_identity;
};

} // namespace cr
