#pragma once

#include "protect/LimitKey.h"
#include "protect/RatePolicy.h"

#include <QHash>
#include <QJsonObject>

#include <array>
#include <atomic>
#include <mutex>

namespace cr {

// What the limiter refused: a running count per policy (lock-free) and the most limited keys
// (a bounded "space-saving" table, touched only when a request is refused).
class LimitStats
{
public:
    void recordHit(PolicyId policy, const LimitKey &key);
    quint64 hits(PolicyId policy) const
    {
        return m_hits[size_t(policy)].load(std::memory_order_relaxed);
    }
    quint64 totalHits() const;

    struct TopKey
    {
        QString key; // LimitKey::display(): never an e-mail
        QString policy;
        quint64 hits = 0;
    };
    QList<TopKey> top(int n) const;
    // {hitsByPolicy: {anon: 3, ...}, totalHits, topLimited: [{key, policy, hits}]}
    QJsonObject toJson(int topN = 10) const;

    static constexpr int kTracked = 1024;

private:
    std::array<std::atomic<quint64>, kPolicyCount> m_hits{};
    mutable std::mutex m_mutex;
    struct Counted
    {
        LimitKey key;
        PolicyId policy;
        quint64 hits;
    };
    QHash<QByteArray, Counted> m_top; // key bytes + policy → count
};

} // namespace cr
