#pragma once

namespace cr {

class Clock;
class Router;
class TelemetryService;

// GET /api/admin/telemetry?since=&resolution= (operator): the telemetry history, so a freshly
// opened dashboard can backfill its charts, and the latest live snapshot.
//   resolution: "1s" (default; the last hour, with per-route points) or "1m" (the last 24 h,
//               overall only, complete minutes)
//   since:      ISO-8601 date-time or milliseconds since the Unix epoch; default: 5 min ago
//               (1s) or 24 h ago (1m)
// Anything else is 400 VALIDATION_ERROR with the offending field.
class TelemetryController
{
public:
    TelemetryController(const TelemetryService &telemetry, const Clock &clock)
        : m_telemetry(telemetry)
        , m_clock(clock)
    {}
    void registerRoutes(Router &router) const;

private:
    const TelemetryService &m_telemetry;
    const Clock &m_clock;
};

} // namespace cr
