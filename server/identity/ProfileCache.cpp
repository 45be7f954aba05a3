#include "identity/ProfileCache.h"

#include "core/Clock.h"

namespace cr {

ProfileCache::ProfileCache(const Clock &clock, qint64 ttlMs, int capacity)
    : m_clock(clock)
    , m_ttlMs(ttlMs)
    , m_capacity(capacity)
{}

std::optional<User> ProfileCache::find(const QString &userId) const
{
    if (m_ttlMs <= 0)
        return std::nullopt;
    QReadLocker lock(&m_lock);
    const auto it = m_entries.constFind(userId);
    if (it == m_entries.constEnd() || !fresh(it.value(), m_clock.monotonicMs()))
        return std::nullopt;
    return it->user;
}

quint64 ProfileCache::generation() const
{
    QReadLocker lock(&m_lock);
    return m_generation;
}

void ProfileCache::store(const User &user, quint64 generationAtRead)
{
    if (m_ttlMs <= 0 || m_capacity <= 0)
        return;
    Entry e{user, m_clock.monotonicMs()};
    e.user.passwordHash.clear();
    QWriteLocker lock(&m_lock);
    if (generationAtRead != m_generation)
        return;
    if (!m_entries.contains(user.id) && m_entries.size() >= m_capacity)
        makeRoom(e.storedAtMs);
    m_entries.insert(user.id, std::move(e));
}

void ProfileCache::forget(const QString &userId)
{
    QWriteLocker lock(&m_lock);
    ++m_generation;
    m_entries.remove(userId);
}

int ProfileCache::size() const
{
    QReadLocker lock(&m_lock);
    return int(m_entries.size());
}

// Under the write lock: drops the expired entries, or all of them when none has expired (a
// full cache of fresh rows is refilled by the next reads).
void ProfileCache::makeRoom(qint64 nowMs)
{
    m_entries.removeIf(
        [&](QHash<QString, Entry>::iterator it) { return !fresh(it.value(), nowMs); });
    if (m_entries.size() >= m_capacity)
        m_entries.clear();
}

} // namespace cr
