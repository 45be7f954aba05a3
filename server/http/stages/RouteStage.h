#pragma once

#include "http/Router.h"
#include "http/Stage.h"

namespace cr {

// Finds the route: 404 for an unknown path (never echoing it), 405 with Allow for a known path
// and another method, 204 with Allow for OPTIONS. Marks WebSocket upgrades.
class RouteStage final : public Stage
{
public:
    explicit RouteStage(const Router &router)
        : m_router(router)
    {}
    const char *name() const override { return "route"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

private:
    const Router &m_router;
};

} // namespace cr
