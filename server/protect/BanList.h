#pragma once

#include "core/Result.h"
#include "protect/LimitKey.h"
#include "protect/SnapshotCell.h"

#include <QHostAddress>
#include <QJsonArray>
#include <QList>
#include <QPair>
#include <QString>

#include <array>
#include <atomic>
#include <mutex>
#include <unordered_map>

namespace cr {

// Addresses and ranges refused outright: the configured deny-list and bans added by an operator
// (optionally until a time), kept as a copy-on-write list read without a lock; and automatic
// bans of repeat offenders, kept in 16 shards with a mutex each (one address each, IPv6 by
// /64), so that banning many rotating addresses never copies a table. With no bans at all a
// check is one atomic load.
class BanList
{
public:
    struct Ban
    {
        QPair<QHostAddress, int> range;
        qint64 untilMs = 0; // wall-clock ms; 0: until removed
        QString reason;
        bool automatic = false;

        QString rangeText() const;
        QJsonObject toJson() const;
    };

    // The ban covering `address` at `nowMs`, if any.
    std::optional<Ban> find(const QHostAddress &address, qint64 nowMs) const;

    // Bans a repeat offender (its address; IPv6 by /64) until `untilMs`. At most kMaxAutomatic
    // automatic bans are kept; a full shard drops the one ending first.
    void banAutomatically(const QHostAddress &address, qint64 untilMs, const QString &reason);
    static constexpr int kMaxAutomatic = 10000;
    static constexpr int kMaxRanges = 1000;

    // Adds (or replaces, for the same range) a ban. VALIDATION_ERROR for a bad range or when
    // the list is full.
    Status add(const QString &range, qint64 untilMs, const QString &reason, bool automatic);
    // False when no ban has exactly this range (or, for automatic bans, lies inside it).
    bool remove(const QString &range);
    // The bans in force at `nowMs` (expired ones are dropped as a side effect).
    QList<Ban> active(qint64 nowMs);
    QJsonArray toJson(qint64 nowMs);

private:
    static constexpr int kShards = 16;
    struct Shard
    {
        mutable std::mutex mutex;
        std::unordered_map<LimitKey, Ban, LimitKeyHash> bans;
    };
    Shard &shardFor(const LimitKey &key) const;

    SnapshotCell<QList<Ban>> m_ranges;
    mutable std::array<Shard, kShards> m_automatic;
    std::atomic<int> m_rangeCount{0};
    std::atomic<int> m_automaticCount{0};
};

} // namespace cr
