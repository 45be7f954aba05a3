#pragma once

#include <functional>

namespace cr {

class Identity;
class RateLimiter;
class Router;

// CONTRACT §3 over HTTP: /api/auth/* (register, login, profile, password; the sessions and
// API key routes through SessionController and ApiKeyController) and GET /.well-known/jwks.json.
// Handlers only read and check the request's shape (types, required fields) and hand it to the
// identity services; the services answer asynchronously (the database and password hashing never
// run in a worker thread) and the handler's Reply is answered from the identity thread.
class AuthController
{
public:
    // Told of every password login that reached a verdict (true: signed in; false: wrong
    // e-mail or password), from the identity thread. Not told of refused or failed attempts.
    using LoginObserver = std::function<void(bool succeeded)>;

    // `limiter` (may be null: no protection) throttles logins and counts registrations.
    explicit AuthController(Identity &identity, RateLimiter *limiter = nullptr,
                            LoginObserver onLogin = {})
        : m_identity(identity)
        , m_limiter(limiter)
        , m_onLogin(std::move(onLogin))
    {}
    void registerRoutes(Router &router) const;

private:
    void registerAccountRoutes(Router &router) const;

    Identity &m_identity;
    RateLimiter *m_limiter;
    LoginObserver m_onLogin;
};

} // namespace cr
