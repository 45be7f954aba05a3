#pragma once

#include "protect/RateLimitStore.h"

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>

namespace cr {

// The in-process rate-limit store: GCRA (docs/RATE_LIMITING.md) with one "theoretical arrival
// time" per key. 64 shards, each with its own mutex, so worker threads rarely meet; memory is
// accounted per entry and kept under a cap: entries whose state has run out are dropped first,
// then the ones nearest to running out (an attacker rotating addresses can only make the
// limiter forget its own fresh keys).
class GcraStore final : public RateLimitStore
{
public:
    explicit GcraStore(qint64 capBytes = 16 * 1024 * 1024);

    RateDecision consume(const RatePolicy &policy, const LimitKey &key, qint64 nowUs,
                         int cost) override;
    RateDecision force(const RatePolicy &policy, const LimitKey &key, qint64 nowUs,
                       int cost) override;
    void refund(const RatePolicy &policy, const LimitKey &key, qint64 nowUs, int cost) override;
    RateDecision peek(const RatePolicy &policy, const LimitKey &key, qint64 nowUs) override;
    int fail(const RatePolicy &policy, const LimitKey &key, qint64 nowUs) override;
    void succeed(const RatePolicy &policy, const LimitKey &key, qint64 nowUs) override;
    void clear() override;
    Usage usage() const override;

    // What one entry costs, as accounted: the hash node (key, state, link, cached hash), the
    // allocator's header and the bucket slot.
    static constexpr qint64 kEntryBytes = 96;
    static constexpr int kShards = 64;

private:
    struct State
    {
        qint64 tatUs = 0;     // theoretical arrival time: the allowance is whole at this time
        qint64 expiresUs = 0; // the entry carries nothing after this (tat, back-off memory)
        qint32 streak = 0;    // consecutive failures (login back-off)
    };
    struct Shard
    {
        std::mutex mutex;
        std::unordered_map<LimitKey, State, LimitKeyHash> map;
    };

    // Runs f(shard, key scoped to the policy) with the key's shard locked.
    template<typename F>
    auto locked(const RatePolicy &policy, const LimitKey &key, F f)
    {
        LimitKey k = key;
        k.bytes[23] = quint8(int(policy.id) + 1);
        Shard &shard = m_shards[(k.hash() >> 7) % kShards];
        std::lock_guard<std::mutex> lock(shard.mutex);
        return f(shard, k);
    }
    static State *existing(Shard &shard, const LimitKey &key);
    // The entry for `key`, created (making room under the cap) when absent.
    State &entry(Shard &shard, const LimitKey &key, qint64 nowUs);
    void makeRoom(Shard &shard, qint64 nowUs);
    static RateDecision decide(const RatePolicy &policy, qint64 tatUs, qint64 nowUs, bool allowed);

    std::array<Shard, kShards> m_shards;
    const qint64 m_capBytes;
    const size_t m_shardCapacity;
    std::atomic<qint64> m_entries{0};
    std::atomic<qint64> m_evicted{0};
};

} // namespace cr
