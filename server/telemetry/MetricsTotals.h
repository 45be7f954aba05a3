#pragma once

#include "telemetry/LatencyHistogram.h"
#include "telemetry/MetricsShard.h"

#include <QHash>
#include <QList>
#include <QString>

#include <array>
#include <vector>

namespace cr {

// A breaker or a health check as the metrics report it.
struct DependencyState
{
    QString name;
    int state =
        0; // breakers: 0 closed, 1 half-open, 2 open; checks: 0 healthy, 1 degraded, 2 unhealthy
};

struct WebSocketStats
{
    int connections = 0;
    quint64 messagesIn = 0;
    quint64 messagesOut = 0;
};

// Everything the shards hold, summed over all threads at one moment (a scrape or a telemetry
// tick). Counters only grow, so two of these a second apart give that second's traffic.
struct MetricsTotals
{
    struct Timing
    {
        std::array<quint64, MetricsShard::kPromBuckets> buckets{}; // per bucket, not cumulative
        quint64 count = 0;
        quint64 sumNs = 0;
        LatencyHistogram latency; // filled only when asked for
    };
    struct RouteTotals
    {
        int slot = 0;
        Timing timing;
        quint64 bytes = 0;
    };

    quint64 started = 0;
    quint64 finished = 0;
    QHash<quint32, quint64> requests; // MetricsShard::requestKey → count
    std::vector<RouteTotals> routes;  // slots that have seen a request, by slot
    Timing db;
    quint64 loginsOk = 0;
    quint64 loginsFailed = 0;
    QHash<QString, quint64> rateLimitHits;    // policy → hits
    QList<QPair<QString, double>> lagSeconds; // thread → last measured event-loop lag

    qint64 inFlight() const { return started > finished ? qint64(started - finished) : 0; }
    static int slotOf(quint32 key) { return int(key >> 13) - 1; }
    static int methodOf(quint32 key) { return int((key >> 10) & 7); }
    static int statusOf(quint32 key) { return int(key & 1023); }
};

} // namespace cr
