#pragma once

#include "telemetry/LatencyHistogram.h"
#include "telemetry/StatusCounts.h"

#include <QJsonObject>
#include <QMutex>
#include <QStringList>

#include <deque>
#include <vector>

namespace cr {

// One point of the telemetry history: a second (with its routes) or a minute (overall only).
struct TelemetryPoint
{
    struct Route
    {
        qint32 slot = 0;
        quint32 requests = 0;
        quint32 errors = 0;
        float p50Ms = 0;
        float p95Ms = 0;
        float p99Ms = 0;
    };

    qint64 wallMs = 0;     // the tick (1 s points) or the start of the minute (1 min points)
    qint64 intervalMs = 0; // the time its counts cover
    quint64 requests = 0;
    StatusCounts status;
    float p50Ms = 0;
    float p95Ms = 0;
    float p99Ms = 0;
    qint32 inFlight = 0;
    qint32 webSocketClients = 0;
    float cpuPercent = 0;
    qint64 residentBytes = 0;
    float eventLoopLagMs = 0; // the largest of the worker threads
    float dbP95Ms = 0;
    quint64 rateLimitHits = 0;
    quint64 loginsFailed = 0;
    std::vector<Route> routes; // 1 s points only

    QJsonObject toJson(const QStringList &routeLabels) const;
};

// The history rings: the last hour at 1 s resolution (with per-route points) and the last 24 h
// at 1 min (overall only, built from the seconds). Memory is bounded by the ring sizes and the
// route table. add() comes from the telemetry thread; reads from any thread.
class TelemetryHistory
{
public:
    enum class Resolution
    {
        Second,
        Minute
    };

    explicit TelemetryHistory(int seconds = 3600, int minutes = 1440);

    // A finished second, with the latency histograms its percentiles came from (the minute
    // point's percentiles are computed from their sum, not averaged).
    void add(const TelemetryPoint &second, const LatencyHistogram &latency,
             const LatencyHistogram &db);
    // Points at or after `sinceWallMs`, oldest first. Minutes are complete minutes only.
    std::vector<TelemetryPoint> since(qint64 sinceWallMs, Resolution resolution) const;
    int size(Resolution resolution) const;

private:
    void closeMinute();

    const int m_secondsCap;
    const int m_minutesCap;
    mutable QMutex m_mutex;
    std::deque<TelemetryPoint> m_seconds;
    std::deque<TelemetryPoint> m_minutes;

    // The minute being built (telemetry thread only).
    qint64 m_minute = -1; // wallMs / 60000
    TelemetryPoint m_acc;
    LatencyHistogram m_accLatency;
    LatencyHistogram m_accDb;
    double m_cpuWeighted = 0;
};

} // namespace cr
