#include "telemetry/MetricsShard.h"

namespace cr {

MetricsShard::MetricsShard(QString threadName)
    : thread(std::move(threadName))
{}

MetricsShard::~MetricsShard()
{
    for (auto &r : routes)
        delete r.load(std::memory_order_acquire);
    delete dbTiming.load(std::memory_order_acquire);
}

int MetricsShard::promBucketOf(qint64 ns)
{
    int i = 0;
    while (i < int(kBoundsNs.size()) && ns > kBoundsNs[size_t(i)])
        ++i;
    return i;
}

void MetricsShard::countRequest(quint32 key)
{
    // Open addressing, linear probing. Only this thread inserts: a free entry gets its key
    // with a release store, so a reader that sees the key sees a valid counter.
    quint32 h = key * 2654435761u;
    for (int probe = 0; probe < 32; ++probe) {
        Entry &e = requests[(h + quint32(probe)) % kTableSize];
        const quint32 k = e.key.load(std::memory_order_relaxed);
        if (k == key) {
            bump(e.value);
            return;
        }
        if (k == 0) {
            e.value.store(1, std::memory_order_relaxed);
            e.key.store(key, std::memory_order_release);
            return;
        }
    }
    bump(overflow);
}

MetricsShard::RouteStats &MetricsShard::route(int slot)
{
    std::atomic<RouteStats *> &p = routes[size_t(slot)];
    RouteStats *r = p.load(std::memory_order_relaxed);
    if (!r) {
        r = new RouteStats;
        p.store(r, std::memory_order_release);
    }
    return *r;
}

MetricsShard::Timing &MetricsShard::db()
{
    Timing *t = dbTiming.load(std::memory_order_relaxed);
    if (!t) {
        t = new Timing;
        dbTiming.store(t, std::memory_order_release);
    }
    return *t;
}

void MetricsShard::observe(Timing &t, qint64 ns)
{
    if (ns < 0)
        ns = 0;
    bump(t.buckets[size_t(promBucketOf(ns))]);
    bump(t.count);
    bump(t.sumNs, quint64(ns));
    bump(t.latency[size_t(LatencyHistogram::bucketOf(ns))]);
}

} // namespace cr
