#pragma once

#include "telemetry/LatencyHistogram.h"

#include <QHash>
#include <QString>

#include <array>
#include <atomic>
#include <thread>

namespace cr {

// One thread's share of the metrics. Only its own thread writes (plain load + store of relaxed
// atomics: no locked instruction, no shared cache line); the scrape and the telemetry tick read
// it from other threads. Route and database blocks are allocated on first use by the owner and
// published with a release store.
struct MetricsShard
{
    // Prometheus buckets, in nanoseconds: 0.5 ms … 10 s, then +Inf.
    static constexpr std::array<qint64, 14> kBoundsNs = {
        500000,    1000000,   2500000,   5000000,    10000000,   25000000,   50000000,
        100000000, 250000000, 500000000, 1000000000, 2500000000, 5000000000, 10000000000};
    static constexpr int kPromBuckets = int(kBoundsNs.size()) + 1;
    static constexpr int kMaxSlots = 512;   // distinct route templates + "unmatched"
    static constexpr int kMaxPolicies = 64; // rate-limit policies; more share the last one
    static constexpr int kTableSize = 2048; // (route, method, status) combinations

    struct Timing
    {
        std::array<std::atomic<quint64>, kPromBuckets> buckets{}; // per bucket, not cumulative
        std::atomic<quint64> count{0};
        std::atomic<quint64> sumNs{0};
        std::array<std::atomic<quint64>, LatencyHistogram::kBuckets> latency{};
    };
    struct RouteStats
    {
        Timing timing;
        std::atomic<quint64> bytes{0};
    };
    struct Entry
    {
        std::atomic<quint32> key{0}; // 0: free
        std::atomic<quint64> value{0};
    };

    explicit MetricsShard(QString threadName);
    ~MetricsShard();
    MetricsShard(const MetricsShard &) = delete;
    MetricsShard &operator=(const MetricsShard &) = delete;

    static void bump(std::atomic<quint64> &a, quint64 n = 1)
    {
        a.store(a.load(std::memory_order_relaxed) + n, std::memory_order_relaxed);
    }
    static int promBucketOf(qint64 ns);
    static quint32 requestKey(int slot, int method, int status)
    {
        return (quint32(slot + 1) << 13) | (quint32(method & 7) << 10) | quint32(status & 1023);
    }

    void countRequest(quint32 key); // owner thread
    RouteStats &route(int slot);    // owner thread; created on first use
    Timing &db();                   // owner thread; created on first use
    static void observe(Timing &t, qint64 ns);

    const QString thread;
    const std::thread::id owner = std::this_thread::get_id();
    std::atomic<quint64> started{0};
    std::atomic<quint64> finished{0};
    std::array<Entry, kTableSize> requests{};
    std::atomic<quint64> overflow{0}; // requests whose combination found no free entry
    std::array<std::atomic<RouteStats *>, kMaxSlots> routes{};
    std::atomic<Timing *> dbTiming{nullptr};
    std::atomic<quint64> loginsOk{0};
    std::atomic<quint64> loginsFailed{0};
    std::array<std::atomic<quint64>, kMaxPolicies> rateLimitHits{};
    std::atomic<qint64> lagNs{-1};   // -1: this thread does not probe its event loop
    QHash<QString, int> policyCache; // owner thread only: policy name → index
};

} // namespace cr
