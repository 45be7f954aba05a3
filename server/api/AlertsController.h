#pragma once

namespace cr {

class AlertEngine;
class Router;

// GET /api/admin/alerts (operator and admin): the alerts firing now, the recently resolved
// ones (newest first) and the rules, from the AlertEngine's memory (no I/O).
class AlertsController
{
public:
    explicit AlertsController(const AlertEngine &alerts)
        : m_alerts(alerts)
    {}
    void registerRoutes(Router &router) const;

private:
    const AlertEngine &m_alerts;
};

} // namespace cr
