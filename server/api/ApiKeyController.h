#pragma once

namespace cr {

class Identity;
class Router;

// CONTRACT §3's API keys over HTTP: list, create (the secret shown once), read and revoke the
// caller's own keys (/api/auth/api-keys*).
class ApiKeyController
{
public:
    explicit ApiKeyController(Identity &identity)
        : m_identity(identity)
    {}
    void registerRoutes(Router &router) const;

private:
    Identity &m_identity;
};

} // namespace cr
