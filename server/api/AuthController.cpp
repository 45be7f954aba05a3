#include "api/AuthController.h"

#include "api/ApiKeyController.h"
#include "api/ProfileBodies.h"
#include "api/RequestInput.h"
#include "api/SessionController.h"
#include "auth/PasswordPolicy.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "identity/AccountService.h"
#include "identity/Identity.h"
#include "identity/SessionService.h"
#include "protect/LoginThrottle.h"
#include "protect/NameRules.h"
#include "protect/RateLimiter.h"

#include <QJsonDocument>
#include <QTimer>

namespace cr {
namespace {

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

} // namespace

void AuthController::registerRoutes(Router &router) const
{
    Identity *identity = &m_identity;
    router.add(RequestInput::authRoute(
        Method::Get, "/.well-known/jwks.json", Role::Anonymous,
        [identity](RequestContext &, Reply reply) {
            // Plain JSON (RFC 7517), not the API envelope: JOSE libraries read it as is.
            HttpResponse r;
            r.body = QJsonDocument(identity->jwks()).toJson(QJsonDocument::Compact);
            reply.send(std::move(r));
        },
        "Public keys that verify access tokens (JWKS)"));
    registerAccountRoutes(router);
    SessionController(m_identity).registerRoutes(router);
    ApiKeyController(m_identity).registerRoutes(router);
}

void AuthController::registerAccountRoutes(Router &router) const
{
    Identity *identity = &m_identity;
    RateLimiter *limiter = m_limiter;

    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/register", Role::Anonymous,
        [identity, limiter](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            AccountService::Registration r;
            r.email = RequestInput::requiredString(ctx.json, "email", errors);
            r.password = RequestInput::requiredString(ctx.json, "password", errors);
            r.name = RequestInput::optionalString(ctx.json, QStringLiteral("name"), errors)
                         .value_or(QString());
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            if (!r.name.isEmpty()) {
                if (auto problem = NameRules::displayNameProblem(r.name))
                    return reply.fail(RequestInput::invalid({{QStringLiteral("name"), *problem}}));
            }
            r.ignoredFields = RequestInput::privilegedFields(ctx.json);
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
                r, RequestInput::callerOf(ctx),
                [reply, limiter, address, counted](Result<AuthResult> a) {
                    if (!a) {
                        if (counted)
                            limiter->refund(PolicyId::Register, address);
                        return reply.fail(a.error());
                    }
                    reply.ok(a.value().toJson(), 201);
                });
        },
        "Create an account (developer) and sign in", BodyKind::Json));

    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/login", Role::Anonymous,
        [identity, limiter, onLogin = m_onLogin](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            const QString email = RequestInput::requiredString(ctx.json, "email", errors);
            const QString password = RequestInput::requiredString(ctx.json, "password", errors);
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            if (!limiter) {
                identity->accounts().login(email, password, RequestInput::callerOf(ctx),
                                           [reply, onLogin](Result<AuthResult> a) {
                                               tellVerdict(onLogin, a);
                                               if (!a)
                                                   return reply.fail(a.error());
                                               reply.ok(a.value().toJson());
                                           });
                return;
            }
            const LoginThrottle throttle(*limiter);
            const LoginThrottle::Ticket ticket = throttle.begin(ctx.clientAddress, email);
            limiter->addHeaders(ticket.shown, ctx.responseHeaders);
            if (ticket.refusal)
                return reply.fail(*ticket.refusal);
            auto attempt = [identity, limiter, ticket, email, password, reply, onLogin,
                            caller = RequestInput::callerOf(ctx)]() {
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
                                               reply.ok(a.value().toJson());
                                           });
            };
            if (ticket.delayMs > 0)
                QTimer::singleShot(ticket.delayMs, attempt); // this worker thread's loop
            else
                attempt();
        },
        "Sign in with e-mail and password", BodyKind::Json));

    const Handler profile = [identity](RequestContext &ctx, Reply reply) {
        identity->accounts().profile(RequestInput::callerOf(ctx), [reply](Result<User> u) {
            if (!u)
                return reply.fail(u.error());
            if (const JsonTemplate *body = ProfileBodies::of(u.value(), reply.envelope()))
                return reply.okRendered(*body);
            reply.ok(QJsonObject{{QStringLiteral("user"), u.value().toJson()}});
        });
    };
    router.add(RequestInput::authRoute(Method::Get, "/api/auth/profile", Role::Viewer, profile,
                                       "Your account"));
    router.add(RequestInput::authRoute(Method::Get, "/api/auth/me", Role::Viewer, profile,
                                       "Your account"));

    router.add(RequestInput::authRoute(
        Method::Put, "/api/auth/profile", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            AccountService::ProfileUpdate u;
            u.name = RequestInput::optionalString(ctx.json, QStringLiteral("name"), errors);
            u.email = RequestInput::optionalString(ctx.json, QStringLiteral("email"), errors);
            if (u.name && !u.name->isEmpty()) {
                if (auto problem = NameRules::displayNameProblem(*u.name))
                    errors.append({QStringLiteral("name"), *problem});
            }
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            u.ignoredFields = RequestInput::privilegedFields(ctx.json);
            identity->accounts().updateProfile(
                RequestInput::callerOf(ctx), u, [reply](Result<User> user) {
                    if (!user)
                        return reply.fail(user.error());
                    reply.ok(QJsonObject{{QStringLiteral("user"), user.value().toJson()}});
                });
        },
        "Change your name or e-mail address", BodyKind::Json));

    router.add(RequestInput::authRoute(
        Method::Put, "/api/auth/password", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            if (auto refusal = SessionService::refuseApiKey(RequestInput::callerOf(ctx)))
                return reply.fail(*refusal);
            QList<FieldError> errors;
            const QString oldPassword =
                RequestInput::requiredString(ctx.json, "oldPassword", errors);
            const QString newPassword =
                RequestInput::requiredString(ctx.json, "newPassword", errors);
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            identity->accounts().changePassword(
                RequestInput::callerOf(ctx), oldPassword, newPassword, [reply](Result<int> n) {
                    if (!n)
                        return reply.fail(n.error());
                    reply.ok(
                        QJsonObject{{QStringLiteral("message"), QStringLiteral("Password changed")},
                                    {QStringLiteral("sessionsRevoked"), n.value()}});
                });
        },
        "Change your password (ends your other sessions)", BodyKind::Json));

    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/validate-password", Role::Anonymous,
        [identity](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            const QString password = RequestInput::requiredString(ctx.json, "password", errors);
            const QString email =
                RequestInput::optionalString(ctx.json, QStringLiteral("email"), errors)
                    .value_or(QString());
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            reply.ok(identity->passwordPolicy().check(password, email.trimmed()).toJson());
        },
        "Check a password against the password policy", BodyKind::Json));
}

} // namespace cr
