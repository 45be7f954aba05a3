#pragma once

#include "identity/User.h"

#include <QHash>
#include <QReadWriteLock>
#include <QString>

#include <optional>

namespace cr {

class Clock;

// Recently read account rows, so that `GET /api/auth/profile` is answered in the worker thread
// without a storage job. An entry lives for `ttlMs` (what another instance's change may take
// to show here) and is forgotten at once after every local commit that changes the row
// (profile, password, login, role, disabled). The password hash is never kept.
//
// A row read from the database is stored only when nothing was forgotten since the read
// began: `generation()` before the read, `store(row, thatGeneration)` after it. So a read that
// raced with a change can never put the old row back. Thread-safe; bounded by `capacity`.
class ProfileCache
{
public:
    ProfileCache(const Clock &clock, qint64 ttlMs, int capacity = 10000);

    // A fresh copy of the account, if one is cached and younger than the TTL.
    std::optional<User> find(const QString &userId) const;
    quint64 generation() const;
    // Keeps `user` unless something was forgotten after `generationAtRead` (or caching is off).
    void store(const User &user, quint64 generationAtRead);
    void forget(const QString &userId);
    int size() const;

private:
    struct Entry
    {
        User user;
        qint64 storedAtMs = 0;
    };
    bool fresh(const Entry &e, qint64 nowMs) const { return nowMs - e.storedAtMs < m_ttlMs; }
    void makeRoom(qint64 nowMs);

    const Clock &m_clock;
    const qint64 m_ttlMs;
    const int m_capacity;
    mutable QReadWriteLock m_lock;
    QHash<QString, Entry> m_entries;
    quint64 m_generation = 0; // guarded by m_lock
};

} // namespace cr
