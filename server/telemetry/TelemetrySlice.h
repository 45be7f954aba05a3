#pragma once

#include "telemetry/LatencyHistogram.h"
#include "telemetry/StatusCounts.h"

#include <QHash>
#include <QString>

#include <vector>

namespace cr {

// The traffic of one telemetry tick (normally one second): the difference of two
// MetricsTotals, kept sparse.
struct TelemetrySlice
{
    struct Route
    {
        int slot = 0;
        quint64 requests = 0;
        quint64 errors = 0; // 5xx
        LatencyHistogram::Sparse latency;
    };

    qint64 monoMs = 0;     // when the tick ran (Clock::monotonicMs)
    qint64 wallMs = 0;     // the same moment on the wall clock
    qint64 intervalMs = 0; // since the previous tick
    quint64 requests = 0;
    StatusCounts status;
    LatencyHistogram::Sparse latency;
    std::vector<Route> routes; // routes with requests in this slice
    quint64 dbQueries = 0;
    LatencyHistogram::Sparse db;
    QHash<QString, quint64> rateLimitHits;
    quint64 loginsOk = 0;
    quint64 loginsFailed = 0;
};

} // namespace cr
