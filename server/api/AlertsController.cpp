#include "api/AlertsController.h"

#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "telemetry/AlertEngine.h"

namespace cr {

void AlertsController::registerRoutes(Router &router) const
{
    const AlertEngine *alerts = &m_alerts;
    router.add(Route{Method::Get, QStringLiteral("/api/admin/alerts"), Role::Operator,
                     [alerts](RequestContext &, Reply reply) { reply.ok(alerts->toJson()); },
                     BodyKind::None, -1, false,
                     QStringLiteral("Alerts: firing now, recently resolved, and the rules")});
}

} // namespace cr
