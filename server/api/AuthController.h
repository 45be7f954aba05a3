#pragma once

#include "core/Result.h"
#include "identity/Caller.h"
#include "identity/Page.h"

#include <QJsonObject>
#include <QStringList>

#include <functional>
#include <optional>

namespace cr {

class Identity;
class RateLimiter;
class Router;
struct RequestContext;

// CONTRACT §3 over HTTP: /api/auth/* (register, login, refresh, logout, profile, password,
// sessions, API keys) and GET /.well-known/jwks.json. Handlers only read and check the
// request's shape (types, required fields) and hand it to the identity services; the services
// answer asynchronously (the database and password hashing never run in a worker thread) and
// the handler's Reply is answered from the identity thread.
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

    // Shared with AdminController.
    static Caller callerOf(const RequestContext &ctx);
    // ?page, ?limit (≤ 100) and ?search; VALIDATION_ERROR for values out of range.
    static Result<PageRequest> pageOf(const RequestContext &ctx);
    // The names of fields a caller may never set (id, role, plan, disabled, owner ids) that
    // are present in `body`: ignored, and audited.
    static QStringList privilegedFields(const QJsonObject &body);
    // The string member `name`: nullopt when absent or null; a FieldError when of another type.
    static std::optional<QString> optionalString(const QJsonObject &body, const QString &name,
                                                 QList<FieldError> &errors);
    static Error invalid(QList<FieldError> fields);

private:
    void registerAccountRoutes(Router &router) const;
    void registerSessionRoutes(Router &router) const;
    void registerApiKeyRoutes(Router &router) const;

    Identity &m_identity;
    RateLimiter *m_limiter;
    LoginObserver m_onLogin;
};

} // namespace cr
