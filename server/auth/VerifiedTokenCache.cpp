#include "auth/VerifiedTokenCache.h"

#include "core/Clock.h"
#include "secrets/Sodium.h"

#include <QMutex>

#include <sodium.h>

#include <cstring>
#include <set>
#include <unordered_map>
#include <utility>

namespace cr {
namespace {

struct KeyHash
{
    size_t operator()(const VerifiedTokenCache::Key &k) const { return size_t(k.words[0]); }
};

} // namespace

bool VerifiedTokenCache::Key::operator==(const Key &o) const
{
    return std::memcmp(words, o.words, sizeof words) == 0;
}

bool VerifiedTokenCache::Key::operator<(const Key &o) const
{
    return std::memcmp(words, o.words, sizeof words) < 0;
}

// One lock, one map, and the same entries ordered by expiry (soonest first) for eviction.
struct alignas(64) VerifiedTokenCache::Shard
{
    struct Entry
    {
        VerifiedToken token;
        qint64 expiresAtMs = 0;
    };

    mutable QMutex mutex;
    int capacity = 1;
    std::unordered_map<Key, Entry, KeyHash> entries;
    std::set<std::pair<qint64, Key>> byExpiry;

    void eraseLocked(std::unordered_map<Key, Entry, KeyHash>::iterator it)
    {
        byExpiry.erase({it->second.expiresAtMs, it->first});
        entries.erase(it);
    }

    void dropExpiredLocked(qint64 nowMs)
    {
        while (!byExpiry.empty() && byExpiry.begin()->first <= nowMs) {
            entries.erase(byExpiry.begin()->second);
            byExpiry.erase(byExpiry.begin());
        }
    }
};

VerifiedTokenCache::VerifiedTokenCache(const Clock &clock, int capacity)
    : m_clock(clock)
    , m_capacity(qMax(1, capacity))
{
    ensureSodium();
    randombytes_buf(m_hashKey.data(), m_hashKey.size());
    m_shardCount = qMin(kMaxShards, m_capacity);
    m_shards.reset(new Shard[size_t(m_shardCount)]);
    // Split the capacity exactly, so the shards together never hold more than m_capacity.
    for (int i = 0; i < m_shardCount; ++i)
        m_shards[size_t(i)].capacity = m_capacity / m_shardCount + (i < m_capacity % m_shardCount);
}

VerifiedTokenCache::~VerifiedTokenCache() = default;

VerifiedTokenCache::Key VerifiedTokenCache::keyOf(QByteArrayView token) const
{
    Key key{};
    crypto_generichash(reinterpret_cast<unsigned char *>(key.words), sizeof key.words,
                       reinterpret_cast<const unsigned char *>(token.data()), quint64(token.size()),
                       m_hashKey.data(), m_hashKey.size());
    return key;
}

VerifiedTokenCache::Shard &VerifiedTokenCache::shardOf(const Key &key) const
{
    return m_shards[size_t(key.words[1] % quint64(m_shardCount))];
}

std::optional<VerifiedToken> VerifiedTokenCache::find(QByteArrayView token) const
{
    const Key key = keyOf(token);
    Shard &shard = shardOf(key);
    const qint64 now = m_clock.wallMs();
    QMutexLocker lock(&shard.mutex);
    const auto it = shard.entries.find(key);
    if (it == shard.entries.end())
        return std::nullopt;
    if (now >= it->second.expiresAtMs) {
        shard.eraseLocked(it);
        return std::nullopt;
    }
    return it->second.token;
}

void VerifiedTokenCache::insert(QByteArrayView token, const VerifiedToken &verified)
{
    const qint64 expiresAt = verified.exp * 1000;
    const qint64 now = m_clock.wallMs();
    if (now >= expiresAt)
        return;
    const Key key = keyOf(token);
    Shard &shard = shardOf(key);
    QMutexLocker lock(&shard.mutex);
    if (const auto it = shard.entries.find(key); it != shard.entries.end())
        shard.eraseLocked(it);
    shard.dropExpiredLocked(now);
    while (int(shard.entries.size()) >= shard.capacity && !shard.byExpiry.empty()) {
        shard.entries.erase(shard.byExpiry.begin()->second);
        shard.byExpiry.erase(shard.byExpiry.begin());
    }
    shard.entries.emplace(key, Shard::Entry{verified, expiresAt});
    shard.byExpiry.emplace(expiresAt, key);
}

void VerifiedTokenCache::remove(QByteArrayView token)
{
    const Key key = keyOf(token);
    Shard &shard = shardOf(key);
    QMutexLocker lock(&shard.mutex);
    if (const auto it = shard.entries.find(key); it != shard.entries.end())
        shard.eraseLocked(it);
}

void VerifiedTokenCache::clear()
{
    for (int i = 0; i < m_shardCount; ++i) {
        Shard &shard = m_shards[size_t(i)];
        QMutexLocker lock(&shard.mutex);
        shard.entries.clear();
        shard.byExpiry.clear();
    }
}

int VerifiedTokenCache::size() const
{
    int total = 0;
    for (int i = 0; i < m_shardCount; ++i) {
        const Shard &shard = m_shards[size_t(i)];
        QMutexLocker lock(&shard.mutex);
        total += int(shard.entries.size());
    }
    return total;
}

} // namespace cr
