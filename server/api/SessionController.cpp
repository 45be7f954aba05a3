#include "api/SessionController.h"

#include "api/RequestInput.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "identity/Identity.h"
#include "identity/SessionService.h"

namespace cr {

void SessionController::registerRoutes(Router &router) const
{
    Identity *identity = &m_identity;

    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/refresh", Role::Anonymous,
        [identity](RequestContext &ctx, Reply reply) {
            // v2 clients send {token}; the contract's name is refreshToken.
            QJsonValue v = ctx.json.value(QStringLiteral("refreshToken"));
            if (v.isUndefined() || v.isNull())
                v = ctx.json.value(QStringLiteral("token"));
            if (!v.isString() || v.toString().isEmpty())
                return reply.fail(RequestInput::invalid(
                    {{QStringLiteral("refreshToken"), QStringLiteral("is required")}}));
            identity->sessions().refresh(v.toString().toLatin1(), RequestInput::callerOf(ctx),
                                         [reply](Result<AuthResult> a) {
                                             if (!a)
                                                 return reply.fail(a.error());
                                             reply.ok(a.value().toJson());
                                         });
        },
        "Exchange a refresh token for a new token pair", BodyKind::Json));

    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/logout", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->sessions().logout(RequestInput::callerOf(ctx), [reply](Result<bool> r) {
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
    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/logout-all", Role::Viewer,
        [identity, revokeAll](RequestContext &ctx, Reply reply) {
            identity->sessions().logoutAll(RequestInput::callerOf(ctx), revokeAll(reply));
        },
        "End every session of your account", BodyKind::Json));

    router.add(RequestInput::authRoute(
        Method::Get, "/api/auth/sessions", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            const Result<PageRequest> page = RequestInput::pageOf(ctx);
            if (!page)
                return reply.fail(page.error());
            const Caller caller = RequestInput::callerOf(ctx);
            identity->sessions().list(
                caller, page.value(),
                [reply, current = caller.sessionId()](Result<Page<Session>> p) {
                    if (!p)
                        return reply.fail(p.error());
                    reply.ok(p.value().toJson(
                        "sessions", [current](const Session &s) { return s.toJson(current); }));
                });
        },
        "Your sessions"));

    router.add(RequestInput::authRoute(
        Method::Delete, "/api/auth/sessions", Role::Viewer,
        [identity, revokeAll](RequestContext &ctx, Reply reply) {
            identity->sessions().revokeOthers(RequestInput::callerOf(ctx), revokeAll(reply));
        },
        "End every session of your account except this one"));

    router.add(RequestInput::authRoute(
        Method::Delete, "/api/auth/sessions/:id<uuid>", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->sessions().revoke(RequestInput::callerOf(ctx),
                                        ctx.params.value(QStringLiteral("id")),
                                        [reply](Result<bool> r) { reply.done(r); });
        },
        "End one of your sessions"));
}

} // namespace cr
