#include "api/AuthController.h"

#include "api/ProfileBodies.h"
#include "auth/PasswordPolicy.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "identity/AccountService.h"
#include "identity/ApiKeyService.h"
#include "identity/Identity.h"
#include "identity/JsonTime.h"
#include "identity/SessionService.h"
#include "protect/LoginThrottle.h"
#include "protect/NameRules.h"
#include "protect/RateLimiter.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTimer>

namespace cr {
namespace {

constexpr qint64 kAuthBodyBytes = 64 * 1024;

Route route(Method method, const char *pattern, Role minRole, Handler handler, const char *summary,
            BodyKind body = BodyKind::None)
{
    return Route{method,  QString::fromLatin1(pattern),
                 minRole, std::move(handler),
                 body,    body == BodyKind::Json ? kAuthBodyBytes : -1,
                 false,   QString::fromUtf8(summary)};
}

QJsonObject authJson(const AuthResult &r)
{
    return QJsonObject{{QStringLiteral("user"), r.user.toJson()},
                       {QStringLiteral("token"), QString::fromLatin1(r.token)},
                       {QStringLiteral("refreshToken"), QString::fromLatin1(r.refreshToken)},
                       {QStringLiteral("expiresAt"), JsonTime::iso(r.expiresAtMs)}};
}

// A login's verdict for the metrics: signed in, or wrong e-mail or password.
void tellVerdict(const AuthController::LoginObserver &onLogin, const Result<AuthResult> &a)
{
    if (!onLogin)
        return;
    if (a)
        onLogin(true);
    else if (a.error().code == ErrorCode::InvalidCredentials)
        onLogin(false);
}

template<class T>
QJsonObject pageJson(const char *plural, const Page<T> &page, const QJsonArray &items)
{
    return QJsonObject{{QString::fromLatin1(plural), items},
                       {QStringLiteral("total"), page.total},
                       {QStringLiteral("page"), page.page},
                       {QStringLiteral("limit"), page.limit}};
}

// A required, non-empty string member.
QString requiredString(const QJsonObject &body, const char *name, QList<FieldError> &errors)
{
    const QString key = QString::fromLatin1(name);
    const QJsonValue v = body.value(key);
    if (!v.isString() || v.toString().isEmpty()) {
        errors.append({key, v.isUndefined() || v.isNull() || v.isString()
                                ? QStringLiteral("is required")
                                : QStringLiteral("must be a string")});
        return {};
    }
    return v.toString();
}

} // namespace

Caller AuthController::callerOf(const RequestContext &ctx)
{
    Caller c;
    c.principal = ctx.principal;
    c.ip = (ctx.clientAddress.isNull() ? ctx.request->peer : ctx.clientAddress).toString();
    c.device = QString::fromUtf8(ctx.request->header("user-agent"))
                   .left(IdentityOptions::kMaxDeviceLength);
    return c;
}

Error AuthController::invalid(QList<FieldError> fields)
{
    Error e = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
    e.fields = std::move(fields);
    return e;
}

Result<PageRequest> AuthController::pageOf(const RequestContext &ctx)
{
    PageRequest p;
    QList<FieldError> errors;
    const auto number = [&](const char *name, int min, int max, int fallback) {
        const QString text = ctx.request->queryValue(QString::fromLatin1(name));
        if (text.isEmpty())
            return fallback;
        bool ok = false;
        const int v = text.toInt(&ok);
        if (!ok || v < min || v > max) {
            errors.append(
                {QString::fromLatin1(name),
                 QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max)});
            return fallback;
        }
        return v;
    };
    p.page = number("page", 1, 1000000, 1);
    p.limit = number("limit", 1, PageRequest::kMaxLimit, 20);
    p.search = ctx.request->queryValue(QStringLiteral("search")).trimmed();
    if (p.search.size() > 100)
        errors.append({QStringLiteral("search"), QStringLiteral("must be at most 100 characters")});
    if (!errors.isEmpty())
        return invalid(errors);
    return p;
}

QStringList AuthController::privilegedFields(const QJsonObject &body)
{
    QStringList out;
    for (const char *name : {"id", "role", "plan", "disabled", "userId", "ownerId", "isAdmin"}) {
        if (body.contains(QLatin1String(name)))
            out << QString::fromLatin1(name);
    }
    return out;
}

std::optional<QString> AuthController::optionalString(const QJsonObject &body, const QString &name,
                                                      QList<FieldError> &errors)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isString()) {
        errors.append({name, QStringLiteral("must be a string")});
        return std::nullopt;
    }
    return v.toString();
}

void AuthController::registerRoutes(Router &router) const
{
    Identity *identity = &m_identity;
    router.add(route(
        Method::Get, "/.well-known/jwks.json", Role::Anonymous,
        [identity](RequestContext &, Reply reply) {
            // Plain JSON (RFC 7517), not the API envelope: JOSE libraries read it as is.
            HttpResponse r;
            r.body = QJsonDocument(identity->jwks()).toJson(QJsonDocument::Compact);
            reply.send(std::move(r));
        },
        "Public keys that verify access tokens (JWKS)"));
    registerAccountRoutes(router);
    registerSessionRoutes(router);
    registerApiKeyRoutes(router);
}

void AuthController::registerAccountRoutes(Router &router) const
{
    Identity *identity = &m_identity;
    RateLimiter *limiter = m_limiter;

    router.add(route(
        Method::Post, "/api/auth/register", Role::Anonymous,
        [identity, limiter](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            AccountService::Registration r;
            r.email = requiredString(ctx.json, "email", errors);
            r.password = requiredString(ctx.json, "password", errors);
            r.name = optionalString(ctx.json, QStringLiteral("name"), errors).value_or(QString());
            if (!errors.isEmpty())
                return reply.fail(invalid(errors));
            if (!r.name.isEmpty()) {
                if (auto problem = NameRules::displayNameProblem(r.name))
                    return reply.fail(invalid({{QStringLiteral("name"), *problem}}));
            }
            r.ignoredFields = privilegedFields(ctx.json);
            // Accounts created per address: reserved now, given back if the registration is
            // refused (a refused attempt already counted against "anon").
            const LimitKey address = LimitKey::address(ctx.clientAddress);
            if (limiter && !ctx.rateExempt) {
                const RateDecision d =
                    limiter->check(PolicyId::Register, address, ctx.clientAddress);
                if (!d.allowed) {
                    limiter->addHeaders(d, ctx.responseHeaders);
                    return reply.fail(RateLimiter::refusal(d));
                }
            }
            const bool counted = limiter && !ctx.rateExempt;
            identity->accounts().registerUser(
                r, callerOf(ctx), [reply, limiter, address, counted](Result<AuthResult> a) {
                    if (!a) {
                        if (counted)
                            limiter->refund(PolicyId::Register, address);
                        return reply.fail(a.error());
                    }
                    reply.ok(authJson(a.value()), 201);
                });
        },
        "Create an account (developer) and sign in", BodyKind::Json));

    router.add(route(
        Method::Post, "/api/auth/login", Role::Anonymous,
        [identity, limiter, onLogin = m_onLogin](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            const QString email = requiredString(ctx.json, "email", errors);
            const QString password = requiredString(ctx.json, "password", errors);
            if (!errors.isEmpty())
                return reply.fail(invalid(errors));
            if (!limiter) {
                identity->accounts().login(email, password, callerOf(ctx),
                                           [reply, onLogin](Result<AuthResult> a) {
                                               tellVerdict(onLogin, a);
                                               if (!a)
                                                   return reply.fail(a.error());
                                               reply.ok(authJson(a.value()));
                                           });
                return;
            }
            const LoginThrottle throttle(*limiter);
            const LoginThrottle::Ticket ticket = throttle.begin(ctx.clientAddress, email);
            limiter->addHeaders(ticket.shown, ctx.responseHeaders);
            if (ticket.refusal)
                return reply.fail(*ticket.refusal);
            auto attempt = [identity, limiter, ticket, email, password, reply, onLogin,
                            caller = callerOf(ctx)]() {
                identity->accounts().login(email, password, caller,
                                           [limiter, ticket, reply, onLogin](Result<AuthResult> a) {
                                               tellVerdict(onLogin, a);
                                               using Outcome = LoginThrottle::Outcome;
                                               const Outcome outcome =
                                                   a ? Outcome::Succeeded
                                                   : a.error().code == ErrorCode::InvalidCredentials
                                                       ? Outcome::WrongCredentials
                                                       : Outcome::NotAttempted;
                                               LoginThrottle(*limiter).finish(ticket, outcome);
                                               if (!a)
                                                   return reply.fail(a.error());
                                               reply.ok(authJson(a.value()));
                                           });
            };
            if (ticket.delayMs > 0)
                QTimer::singleShot(ticket.delayMs, attempt); // this worker thread's loop
            else
                attempt();
        },
        "Sign in with e-mail and password", BodyKind::Json));

    const Handler profile = [identity](RequestContext &ctx, Reply reply) {
        identity->accounts().profile(callerOf(ctx), [reply](Result<User> u) {
            if (!u)
                return reply.fail(u.error());
            if (const JsonTemplate *body = ProfileBodies::of(u.value(), reply.envelope()))
                return reply.okRendered(*body);
            reply.ok(QJsonObject{{QStringLiteral("user"), u.value().toJson()}});
        });
    };
    router.add(route(Method::Get, "/api/auth/profile", Role::Viewer, profile, "Your account"));
    router.add(route(Method::Get, "/api/auth/me", Role::Viewer, profile, "Your account"));

    router.add(route(
        Method::Put, "/api/auth/profile", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            AccountService::ProfileUpdate u;
            u.name = optionalString(ctx.json, QStringLiteral("name"), errors);
            u.email = optionalString(ctx.json, QStringLiteral("email"), errors);
            if (u.name && !u.name->isEmpty()) {
                if (auto problem = NameRules::displayNameProblem(*u.name))
                    errors.append({QStringLiteral("name"), *problem});
            }
            if (!errors.isEmpty())
                return reply.fail(invalid(errors));
            u.ignoredFields = privilegedFields(ctx.json);
            identity->accounts().updateProfile(callerOf(ctx), u, [reply](Result<User> user) {
                if (!user)
                    return reply.fail(user.error());
                reply.ok(QJsonObject{{QStringLiteral("user"), user.value().toJson()}});
            });
        },
        "Change your name or e-mail address", BodyKind::Json));

    router.add(route(
        Method::Put, "/api/auth/password", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            if (auto refusal = SessionService::refuseApiKey(callerOf(ctx)))
                return reply.fail(*refusal);
            QList<FieldError> errors;
            const QString oldPassword = requiredString(ctx.json, "oldPassword", errors);
            const QString newPassword = requiredString(ctx.json, "newPassword", errors);
            if (!errors.isEmpty())
                return reply.fail(invalid(errors));
            identity->accounts().changePassword(
                callerOf(ctx), oldPassword, newPassword, [reply](Result<int> n) {
                    if (!n)
                        return reply.fail(n.error());
                    reply.ok(
                        QJsonObject{{QStringLiteral("message"), QStringLiteral("Password changed")},
                                    {QStringLiteral("sessionsRevoked"), n.value()}});
                });
        },
        "Change your password (ends your other sessions)", BodyKind::Json));

    router.add(route(
        Method::Post, "/api/auth/validate-password", Role::Anonymous,
        [identity](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            const QString password = requiredString(ctx.json, "password", errors);
            const QString email =
                optionalString(ctx.json, QStringLiteral("email"), errors).value_or(QString());
            if (!errors.isEmpty())
                return reply.fail(invalid(errors));
            reply.ok(identity->passwordPolicy().check(password, email.trimmed()).toJson());
        },
        "Check a password against the password policy", BodyKind::Json));
}

void AuthController::registerSessionRoutes(Router &router) const
{
    Identity *identity = &m_identity;

    router.add(route(
        Method::Post, "/api/auth/refresh", Role::Anonymous,
        [identity](RequestContext &ctx, Reply reply) {
            // v2 clients send {token}; the contract's name is refreshToken.
            QJsonValue v = ctx.json.value(QStringLiteral("refreshToken"));
            if (v.isUndefined() || v.isNull())
                v = ctx.json.value(QStringLiteral("token"));
            if (!v.isString() || v.toString().isEmpty())
                return reply.fail(
                    invalid({{QStringLiteral("refreshToken"), QStringLiteral("is required")}}));
            identity->sessions().refresh(v.toString().toLatin1(), callerOf(ctx),
                                         [reply](Result<AuthResult> a) {
                                             if (!a)
                                                 return reply.fail(a.error());
                                             reply.ok(authJson(a.value()));
                                         });
        },
        "Exchange a refresh token for a new token pair", BodyKind::Json));

    router.add(route(
        Method::Post, "/api/auth/logout", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->sessions().logout(callerOf(ctx), [reply](Result<bool> r) {
                if (!r)
                    return reply.fail(r.error());
                reply.ok(QJsonObject{{QStringLiteral("message"), QStringLiteral("Logged out")}});
            });
        },
        "End this session", BodyKind::Json));

    const auto revokeAll = [](Reply reply) {
        return [reply](Result<int> n) {
            if (!n)
                return reply.fail(n.error());
            reply.ok(QJsonObject{{QStringLiteral("revoked"), n.value()}});
        };
    };
    router.add(route(
        Method::Post, "/api/auth/logout-all", Role::Viewer,
        [identity, revokeAll](RequestContext &ctx, Reply reply) {
            identity->sessions().logoutAll(callerOf(ctx), revokeAll(reply));
        },
        "End every session of your account", BodyKind::Json));

    router.add(route(
        Method::Get, "/api/auth/sessions", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            const Result<PageRequest> page = pageOf(ctx);
            if (!page)
                return reply.fail(page.error());
            const Caller caller = callerOf(ctx);
            identity->sessions().list(
                caller, page.value(),
                [reply, current = caller.sessionId()](Result<Page<Session>> p) {
                    if (!p)
                        return reply.fail(p.error());
                    QJsonArray items;
                    for (const Session &s : p.value().items)
                        items.append(s.toJson(current));
                    reply.ok(pageJson("sessions", p.value(), items));
                });
        },
        "Your sessions"));

    router.add(route(
        Method::Delete, "/api/auth/sessions", Role::Viewer,
        [identity, revokeAll](RequestContext &ctx, Reply reply) {
            identity->sessions().revokeOthers(callerOf(ctx), revokeAll(reply));
        },
        "End every session of your account except this one"));

    router.add(route(
        Method::Delete, "/api/auth/sessions/:id<uuid>", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->sessions().revoke(callerOf(ctx), ctx.params.value(QStringLiteral("id")),
                                        [reply](Result<bool> r) {
                                            if (!r)
                                                return reply.fail(r.error());
                                            reply.noContent();
                                        });
        },
        "End one of your sessions"));
}

void AuthController::registerApiKeyRoutes(Router &router) const
{
    Identity *identity = &m_identity;

    router.add(route(
        Method::Get, "/api/auth/api-keys", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            const Result<PageRequest> page = pageOf(ctx);
            if (!page)
                return reply.fail(page.error());
            identity->apiKeys().list(callerOf(ctx), page.value(), [reply](Result<Page<ApiKey>> p) {
                if (!p)
                    return reply.fail(p.error());
                QJsonArray items;
                for (const ApiKey &k : p.value().items)
                    items.append(k.toJson());
                reply.ok(pageJson("apiKeys", p.value(), items));
            });
        },
        "Your API keys"));

    router.add(route(
        Method::Post, "/api/auth/api-keys", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            const Caller caller = callerOf(ctx);
            if (auto refusal = SessionService::refuseApiKey(caller))
                return reply.fail(*refusal);
            QList<FieldError> errors;
            ApiKeyService::Request request;
            request.name = requiredString(ctx.json, "name", errors);
            if (const auto role = optionalString(ctx.json, QStringLiteral("role"), errors)) {
                request.role = User::roleFromName(*role);
                if (!request.role)
                    errors.append({QStringLiteral("role"),
                                   QStringLiteral("must be viewer, developer, operator or admin")});
            }
            if (const auto expires =
                    optionalString(ctx.json, QStringLiteral("expiresAt"), errors)) {
                const std::optional<qint64> at = JsonTime::parse(*expires);
                if (!at)
                    errors.append({QStringLiteral("expiresAt"),
                                   QStringLiteral("must be an ISO-8601 date-time with a zone")});
                request.expiresAtMs = at.value_or(0);
            }
            if (!errors.isEmpty())
                return reply.fail(invalid(errors));
            identity->apiKeys().create(caller, request, [reply](Result<ApiKeyService::Created> c) {
                if (!c)
                    return reply.fail(c.error());
                reply.ok(
                    QJsonObject{{QStringLiteral("apiKey"), c.value().key.toJson()},
                                {QStringLiteral("key"), QString::fromLatin1(c.value().secret)}},
                    201);
            });
        },
        "Create an API key (the key is shown once)", BodyKind::Json));

    router.add(route(
        Method::Get, "/api/auth/api-keys/:id<uuid>", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->apiKeys().get(
                callerOf(ctx), ctx.params.value(QStringLiteral("id")), [reply](Result<ApiKey> k) {
                    if (!k)
                        return reply.fail(k.error());
                    reply.ok(QJsonObject{{QStringLiteral("apiKey"), k.value().toJson()}});
                });
        },
        "One of your API keys"));

    router.add(route(
        Method::Delete, "/api/auth/api-keys/:id<uuid>", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->apiKeys().revoke(callerOf(ctx), ctx.params.value(QStringLiteral("id")),
                                       [reply](Result<bool> r) {
                                           if (!r)
                                               return reply.fail(r.error());
                                           reply.noContent();
                                       });
        },
        "Revoke one of your API keys"));
}

} // namespace cr
