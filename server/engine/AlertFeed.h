#pragma once

#include <QJsonObject>

namespace cr {

class AlertEngine;
class CircuitBreakers;
class Clock;
class HealthMonitor;
class StoragePool;
class TelemetryService;
class WsHub;

// Connects the alert rules to what they watch and to where their events go
// (docs/OBSERVABILITY.md, "Alerts"). Inputs: after each health round (memory, CPU, open breakers,
// overall health) and on each telemetry tick (p95 latency, error rate and failed logins of the
// last minute); both arrive in the background thread, so the rules are only evaluated there.
// Events: the WebSocket "alerts" channel and the audit log (written from the background thread;
// an unavailable database loses the audit line, not the alert).
//
// Everything in Sources must outlive the feed; its connections end with the health monitor and
// the telemetry service.
class AlertFeed
{
public:
    struct Sources
    {
        AlertEngine *alerts = nullptr;
        HealthMonitor *health = nullptr;
        TelemetryService *telemetry = nullptr;
        CircuitBreakers *breakers = nullptr;
        WsHub *hub = nullptr;
        StoragePool *pool = nullptr;
        const Clock *clock = nullptr;
    };

    explicit AlertFeed(const Sources &sources);
    AlertFeed(const AlertFeed &) = delete;
    AlertFeed &operator=(const AlertFeed &) = delete;

    // One evaluation with the latest health snapshot (background thread).
    void onHealthRound();
    // One evaluation with a telemetry snapshot's request figures (background thread).
    void onTelemetry(const QJsonObject &snapshot);

private:
    void sendEventsOut();

    Sources m_sources;
};

} // namespace cr
