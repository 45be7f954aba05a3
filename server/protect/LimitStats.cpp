#include "protect/LimitStats.h"

#include <QJsonArray>

#include <algorithm>

namespace cr {

void LimitStats::recordHit(PolicyId policy, const LimitKey &key)
{
    m_hits[size_t(policy)].fetch_add(1, std::memory_order_relaxed);
    QByteArray id(reinterpret_cast<const char *>(key.bytes.data()), int(key.bytes.size()));
    id.append(char(policy));
    std::lock_guard<std::mutex> lock(m_mutex);
    auto it = m_top.find(id);
    if (it != m_top.end()) {
        ++it->hits;
        return;
    }
    quint64 floor = 0;
    if (m_top.size() >= kTracked) {
        // Space-saving: the newcomer takes the least-counted slot and inherits its count, so a
        // heavy hitter is never missed and the table never grows.
        auto least =
            std::min_element(m_top.begin(), m_top.end(),
                             [](const Counted &a, const Counted &b) { return a.hits < b.hits; });
        floor = least->hits;
        m_top.erase(least);
    }
    m_top.insert(id, Counted{key, policy, floor + 1});
}

quint64 LimitStats::totalHits() const
{
    quint64 sum = 0;
    for (const auto &h : m_hits)
        sum += h.load(std::memory_order_relaxed);
    return sum;
}

QList<LimitStats::TopKey> LimitStats::top(int n) const
{
    QList<Counted> all;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        all = m_top.values();
    }
    std::sort(all.begin(), all.end(),
              [](const Counted &a, const Counted &b) { return a.hits > b.hits; });
    QList<TopKey> out;
    for (qsizetype i = 0; i < all.size() && i < n; ++i)
        out.append(
            {all[i].key.display(), QString::fromLatin1(policyName(all[i].policy)), all[i].hits});
    return out;
}

QJsonObject LimitStats::toJson(int topN) const
{
    QJsonObject byPolicy;
    for (int i = 0; i < kPolicyCount; ++i)
        byPolicy.insert(QString::fromLatin1(policyName(PolicyId(i))), qint64(hits(PolicyId(i))));
    QJsonArray topKeys;
    for (const TopKey &t : top(topN))
        topKeys.append(QJsonObject{{QStringLiteral("key"), t.key},
                                   {QStringLiteral("policy"), t.policy},
                                   {QStringLiteral("hits"), qint64(t.hits)}});
    return QJsonObject{{QStringLiteral("hitsByPolicy"), byPolicy},
                       {QStringLiteral("totalHits"), qint64(totalHits())},
                       {QStringLiteral("topLimited"), topKeys}};
}

} // namespace cr
