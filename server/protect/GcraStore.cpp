#include "protect/GcraStore.h"

#include <algorithm>
#include <vector>

namespace cr {

namespace {

int ceilSeconds(qint64 us)
{
    return us <= 0 ? 0 : int((us + 999999) / 1000000);
}

} // namespace

QByteArray RateDecision::headerItem() const
{
    return '"' + QByteArray(policyName(policy)) + "\";r=" + QByteArray::number(remaining) +
           ";t=" + QByteArray::number(resetSeconds);
}

GcraStore::GcraStore(qint64 capBytes)
    : m_capBytes(capBytes)
    , m_shardCapacity(size_t(std::max<qint64>(16, capBytes / kEntryBytes / kShards)))
{}

void GcraStore::makeRoom(Shard &shard, qint64 nowUs)
{
    // First the entries that carry nothing any more.
    for (auto it = shard.map.begin(); it != shard.map.end();) {
        if (it->second.expiresUs <= nowUs)
            it = shard.map.erase(it);
        else
            ++it;
    }
    const size_t target = m_shardCapacity - m_shardCapacity / 8;
    if (shard.map.size() > target) {
        // Still full of live entries (addresses rotating faster than they expire): drop the
        // eighth nearest to expiry. Amortised over the inserts that refill it, O(1) each.
        std::vector<std::pair<qint64, LimitKey>> byExpiry;
        byExpiry.reserve(shard.map.size());
        for (const auto &kv : shard.map)
            byExpiry.emplace_back(kv.second.expiresUs, kv.first);
        const size_t drop = shard.map.size() - target;
        std::nth_element(byExpiry.begin(), byExpiry.begin() + qsizetype(drop) - 1, byExpiry.end(),
                         [](const auto &a, const auto &b) { return a.first < b.first; });
        for (size_t i = 0; i < drop; ++i)
            shard.map.erase(byExpiry[i].second);
        m_evicted.fetch_add(qint64(drop), std::memory_order_relaxed);
    }
}

GcraStore::State &GcraStore::entry(Shard &shard, const LimitKey &key, qint64 nowUs)
{
    auto it = shard.map.find(key);
    if (it != shard.map.end())
        return it->second;
    if (shard.map.size() >= m_shardCapacity) {
        const qint64 before = qint64(shard.map.size());
        makeRoom(shard, nowUs);
        m_entries.fetch_sub(before - qint64(shard.map.size()), std::memory_order_relaxed);
    }
    m_entries.fetch_add(1, std::memory_order_relaxed);
    State &s = shard.map[key];
    s.tatUs = nowUs;
    s.expiresUs = nowUs;
    return s;
}

RateDecision GcraStore::decide(const RatePolicy &policy, qint64 tatUs, qint64 nowUs, bool allowed)
{
    RateDecision d;
    d.policy = policy.id;
    d.limited = true;
    d.allowed = allowed;
    const qint64 interval = policy.intervalUs();
    const qint64 used = std::max<qint64>(0, tatUs - nowUs);
    const qint64 free = policy.windowUs() - used;
    d.remaining = free <= 0 ? 0 : int(std::min<qint64>(policy.limit, free / interval));
    d.resetSeconds = ceilSeconds(used);
    return d;
}

GcraStore::State *GcraStore::existing(Shard &shard, const LimitKey &key)
{
    auto it = shard.map.find(key);
    return it == shard.map.end() ? nullptr : &it->second;
}

RateDecision GcraStore::consume(const RatePolicy &policy, const LimitKey &key, qint64 nowUs,
                                int cost)
{
    return locked(policy, key, [&](Shard &shard, const LimitKey &k) {
        State *found = existing(shard, k);
        const qint64 tat = found ? std::max(found->tatUs, nowUs) : nowUs;
        const qint64 newTat = tat + qint64(cost) * policy.intervalUs();
        const qint64 allowAt = newTat - policy.windowUs();
        if (allowAt > nowUs) {
            RateDecision d = decide(policy, tat, nowUs, false);
            d.retryAfterUs = allowAt - nowUs;
            d.retryAfterSeconds = std::max(1, ceilSeconds(d.retryAfterUs));
            return d;
        }
        State &s = found ? *found : entry(shard, k, nowUs);
        s.tatUs = newTat;
        s.expiresUs = std::max(s.expiresUs, newTat);
        return decide(policy, newTat, nowUs, true);
    });
}

RateDecision GcraStore::force(const RatePolicy &policy, const LimitKey &key, qint64 nowUs, int cost)
{
    return locked(policy, key, [&](Shard &shard, const LimitKey &k) {
        State &s = entry(shard, k, nowUs);
        const qint64 newTat = std::max(s.tatUs, nowUs) + qint64(cost) * policy.intervalUs();
        const qint64 allowAt = newTat - policy.windowUs();
        s.tatUs = newTat;
        s.expiresUs = std::max(s.expiresUs, newTat);
        RateDecision d = decide(policy, newTat, nowUs, allowAt <= nowUs);
        d.retryAfterUs = std::max<qint64>(0, allowAt - nowUs);
        d.retryAfterSeconds = ceilSeconds(d.retryAfterUs);
        return d;
    });
}

void GcraStore::refund(const RatePolicy &policy, const LimitKey &key, qint64 nowUs, int cost)
{
    locked(policy, key, [&](Shard &shard, const LimitKey &k) {
        if (State *s = existing(shard, k))
            s->tatUs = std::max(nowUs, s->tatUs - qint64(cost) * policy.intervalUs());
    });
}

RateDecision GcraStore::peek(const RatePolicy &policy, const LimitKey &key, qint64 nowUs)
{
    return locked(policy, key, [&](Shard &shard, const LimitKey &k) {
        const State *s = existing(shard, k);
        const qint64 tat = s ? std::max(s->tatUs, nowUs) : nowUs;
        const qint64 allowAt = tat + policy.intervalUs() - policy.windowUs();
        RateDecision d = decide(policy, tat, nowUs, allowAt <= nowUs);
        if (!d.allowed) {
            d.retryAfterUs = allowAt - nowUs;
            d.retryAfterSeconds = std::max(1, ceilSeconds(d.retryAfterUs));
        }
        return d;
    });
}

int GcraStore::fail(const RatePolicy &policy, const LimitKey &key, qint64 nowUs)
{
    return locked(policy, key, [&](Shard &shard, const LimitKey &k) {
        State &s = entry(shard, k, nowUs);
        s.streak += 1;
        if (policy.backoffAfter > 0 && s.streak > policy.backoffAfter) {
            // 1 s, 2 s, 4 s, ... capped: the next attempt fits exactly when the lock ends.
            const int doublings = std::min(30, s.streak - policy.backoffAfter - 1);
            const qint64 lockUs = std::min<qint64>(qint64(1000000) << doublings,
                                                   qint64(policy.backoffMaxSeconds) * 1000000);
            s.tatUs = std::max(s.tatUs, nowUs + lockUs + policy.windowUs() - policy.intervalUs());
        }
        // The streak is remembered for twice the longest lock, so a patient attacker does not
        // start again from 1 s.
        const qint64 memoryUs =
            std::max<qint64>(policy.windowUs(), qint64(policy.backoffMaxSeconds) * 2000000);
        s.expiresUs = std::max({s.expiresUs, s.tatUs, nowUs + memoryUs});
        return s.streak;
    });
}

void GcraStore::succeed(const RatePolicy &policy, const LimitKey &key, qint64 nowUs)
{
    locked(policy, key, [&](Shard &shard, const LimitKey &k) {
        if (State *s = existing(shard, k)) {
            s->streak = 0;
            s->expiresUs = std::max(nowUs, s->tatUs);
        }
    });
}

void GcraStore::clear()
{
    for (Shard &shard : m_shards) {
        std::lock_guard<std::mutex> lock(shard.mutex);
        m_entries.fetch_sub(qint64(shard.map.size()), std::memory_order_relaxed);
        shard.map.clear();
    }
}

RateLimitStore::Usage GcraStore::usage() const
{
    Usage u;
    u.entries = m_entries.load(std::memory_order_relaxed);
    u.bytes = u.entries * kEntryBytes;
    u.capBytes = m_capBytes;
    u.evicted = m_evicted.load(std::memory_order_relaxed);
    return u;
}

} // namespace cr
