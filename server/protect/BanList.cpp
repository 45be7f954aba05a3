#include "protect/BanList.h"

#include "protect/CidrList.h"

#include <QDateTime>
#include <QJsonObject>

#include <algorithm>

namespace cr {

QString BanList::Ban::rangeText() const
{
    const bool v4 = range.first.protocol() == QAbstractSocket::IPv4Protocol;
    const bool whole = (v4 && range.second == 32) || (!v4 && range.second == 128);
    return whole ? range.first.toString()
                 : range.first.toString() + u'/' + QString::number(range.second);
}

QJsonObject BanList::Ban::toJson() const
{
    QJsonObject o{{QStringLiteral("address"), rangeText()},
                  {QStringLiteral("reason"), reason},
                  {QStringLiteral("automatic"), automatic}};
    o.insert(QStringLiteral("until"),
             untilMs > 0
                 ? QJsonValue(
                       QDateTime::fromMSecsSinceEpoch(untilMs, Qt::UTC).toString(Qt::ISODateWithMs))
                 : QJsonValue(QJsonValue::Null));
    return o;
}

BanList::Shard &BanList::shardFor(const LimitKey &key) const
{
    return m_automatic[(key.hash() >> 11) % kShards];
}

std::optional<BanList::Ban> BanList::find(const QHostAddress &address, qint64 nowMs) const
{
    const bool anyAutomatic = m_automaticCount.load(std::memory_order_acquire) > 0;
    const bool anyRange = m_rangeCount.load(std::memory_order_acquire) > 0;
    if (!anyAutomatic && !anyRange)
        return std::nullopt;
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    const QHostAddress a = isV4 ? QHostAddress(v4) : address;
    if (anyAutomatic) {
        const LimitKey key = LimitKey::address(a);
        Shard &shard = shardFor(key);
        std::lock_guard<std::mutex> lock(shard.mutex);
        auto it = shard.bans.find(key);
        if (it != shard.bans.end() && it->second.untilMs > nowMs)
            return it->second;
    }
    if (anyRange) {
        for (const Ban &b : m_ranges.read()) {
            if ((b.untilMs == 0 || b.untilMs > nowMs) && a.isInSubnet(b.range))
                return b;
        }
    }
    return std::nullopt;
}

void BanList::banAutomatically(const QHostAddress &address, qint64 untilMs, const QString &reason)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    Ban ban;
    if (isV4) {
        ban.range = qMakePair(QHostAddress(v4), 32);
    } else {
        Q_IPV6ADDR bytes = address.toIPv6Address(); // the /64 the key stands for
        std::fill(bytes.c + 8, bytes.c + 16, 0);
        ban.range = qMakePair(QHostAddress(bytes), 64);
    }
    ban.untilMs = untilMs;
    ban.reason = reason;
    ban.automatic = true;
    const LimitKey key = LimitKey::address(address);
    Shard &shard = shardFor(key);
    std::lock_guard<std::mutex> lock(shard.mutex);
    auto existing = shard.bans.find(key);
    if (existing != shard.bans.end()) {
        existing->second = ban;
        return;
    }
    if (shard.bans.size() >= size_t(kMaxAutomatic / kShards)) {
        auto first = std::min_element(
            shard.bans.begin(), shard.bans.end(),
            [](const auto &a, const auto &b) { return a.second.untilMs < b.second.untilMs; });
        shard.bans.erase(first);
        m_automaticCount.fetch_sub(1, std::memory_order_release);
    }
    shard.bans.emplace(key, ban);
    m_automaticCount.fetch_add(1, std::memory_order_release);
}

Status BanList::add(const QString &range, qint64 untilMs, const QString &reason, bool automatic)
{
    Result<QPair<QHostAddress, int>> r = CidrList::parseRange(range);
    if (!r)
        return r.error();
    Ban ban;
    ban.range = r.value();
    ban.untilMs = untilMs;
    ban.reason = reason;
    ban.automatic = automatic;
    bool full = false;
    m_ranges.update([&](QList<Ban> &bans) {
        bans.removeIf([&](const Ban &b) { return b.range == ban.range; });
        if (bans.size() >= kMaxRanges) {
            full = true;
            return;
        }
        bans.append(ban);
        m_rangeCount.store(int(bans.size()), std::memory_order_release);
    });
    if (full)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("The ban list is full (%1 ranges)").arg(kMaxRanges));
    return {};
}

bool BanList::remove(const QString &range)
{
    Result<QPair<QHostAddress, int>> r = CidrList::parseRange(range);
    if (!r)
        return false;
    bool removed = false;
    m_ranges.update([&](QList<Ban> &bans) {
        removed = bans.removeIf([&](const Ban &b) { return b.range == r.value(); }) > 0;
        m_rangeCount.store(int(bans.size()), std::memory_order_release);
    });
    for (Shard &shard : m_automatic) {
        std::lock_guard<std::mutex> lock(shard.mutex);
        for (auto it = shard.bans.begin(); it != shard.bans.end();) {
            if (it->second.range == r.value() || it->second.range.first.isInSubnet(r.value())) {
                it = shard.bans.erase(it);
                m_automaticCount.fetch_sub(1, std::memory_order_release);
                removed = true;
            } else {
                ++it;
            }
        }
    }
    return removed;
}

QList<BanList::Ban> BanList::active(qint64 nowMs)
{
    auto expired = [&](const Ban &b) {
        return b.untilMs != 0 && b.untilMs <= nowMs;
    };
    QList<Ban> out;
    m_ranges.update([&](QList<Ban> &bans) {
        bans.removeIf(expired);
        m_rangeCount.store(int(bans.size()), std::memory_order_release);
        out = bans;
    });
    for (Shard &shard : m_automatic) {
        std::lock_guard<std::mutex> lock(shard.mutex);
        for (auto it = shard.bans.begin(); it != shard.bans.end();) {
            if (expired(it->second)) {
                it = shard.bans.erase(it);
                m_automaticCount.fetch_sub(1, std::memory_order_release);
            } else {
                out.append(it->second);
                ++it;
            }
        }
    }
    return out;
}

QJsonArray BanList::toJson(qint64 nowMs)
{
    QJsonArray out;
    for (const Ban &b : active(nowMs))
        out.append(b.toJson());
    return out;
}

} // namespace cr
