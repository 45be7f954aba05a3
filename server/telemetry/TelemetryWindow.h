#pragma once

#include "telemetry/TelemetrySlice.h"

#include <deque>

namespace cr {

// The slices of the last minute (or `spanMs`), and what they add up to over a trailing window:
// rates, error rate, percentiles overall and per route. Not thread-safe: the telemetry thread
// owns it.
class TelemetryWindow
{
public:
    struct Latency
    {
        double p50Ms = 0;
        double p95Ms = 0;
        double p99Ms = 0;
    };
    struct RouteSummary
    {
        int slot = 0;
        quint64 requests = 0;
        quint64 errors = 0;
        double perSecond = 0;
        double errorRate = 0;
        Latency latency;
    };
    struct Summary
    {
        qint64 spanMs = 0; // the time the summed slices cover (at most the window)
        quint64 requests = 0;
        StatusCounts status;
        double perSecond = 0;
        double errorRate = 0; // 5xx / requests
        Latency latency;
        std::vector<RouteSummary> routes; // by slot
        quint64 dbQueries = 0;
        Latency db;
        QHash<QString, quint64> rateLimitHits;
        quint64 loginsOk = 0;
        quint64 loginsFailed = 0;
    };

    explicit TelemetryWindow(qint64 spanMs = 60000)
        : m_spanMs(spanMs)
    {}

    void add(TelemetrySlice slice); // slices come in time order
    // The slices of the `windowMs` before `nowMonoMs` (a slice belongs to the window when its
    // tick time is within it).
    Summary summarize(qint64 nowMonoMs, qint64 windowMs) const;
    int size() const { return int(m_slices.size()); }

    static Latency latencyOf(const LatencyHistogram &h);

private:
    qint64 m_spanMs;
    std::deque<TelemetrySlice> m_slices;
};

} // namespace cr
