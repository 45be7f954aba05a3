#include "api/RateLimitController.h"

#include "api/RequestInput.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "identity/AdminService.h"
#include "identity/Identity.h"
#include "protect/RateLimiter.h"

namespace cr {

void RateLimitController::registerRoutes(Router &router) const
{
    RateLimiter *limiter = &m_limiter;
    Identity *identity = m_identity;
    router.add(Route{Method::Get, QStringLiteral("/api/admin/rate-limits"), Role::Operator,
                     [limiter](RequestContext &, Reply reply) { reply.ok(limiter->toJson()); },
                     BodyKind::None, -1, false,
                     QStringLiteral("Rate-limit policies, bans and live counters")});
    router.add(Route{
        Method::Put, QStringLiteral("/api/admin/rate-limits"), Role::Admin,
        [limiter, identity](RequestContext &ctx, Reply reply) {
            if (Status st = limiter->update(ctx.json); !st)
                return reply.fail(st.error());
            if (identity) {
                QJsonObject details;
                for (const char *key : {"policies", "allowList", "bans", "reset"}) {
                    if (ctx.json.contains(QLatin1String(key)))
                        details.insert(QLatin1String(key), ctx.json.value(QLatin1String(key)));
                }
                identity->admin().recordAction(RequestInput::callerOf(ctx),
                                               QStringLiteral("admin.rate_limits.update"),
                                               QStringLiteral("rate-limits"), details);
            }
            reply.ok(limiter->toJson());
        },
        BodyKind::Json, 64 * 1024, false,
        QStringLiteral("Change rate-limit policies, the allow-list and bans at run time")});
}

} // namespace cr
