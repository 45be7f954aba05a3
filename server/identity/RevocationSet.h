#pragma once

#include <QHash>
#include <QReadWriteLock>
#include <QString>
#include <QStringList>

#include <functional>

namespace cr {

class Clock;

// What the authenticator must refuse although the token's signature and claims are valid,
// kept in memory so that no request waits on the database (CONTRACT §3):
//  - revoked sessions, by session (family) id: logout, logout-all, password change, session
//    revocation, refresh-token reuse, a disabled account;
//  - per user, an "issued before" time: tokens whose iat lies in an earlier second are refused
//    (a role change, a disabled account). Tokens from the same second as the change are caught
//    by the role check against the user's current role (UserStates).
// Loaded at start from the database and updated by every revocation right after its commit.
// A revoked session is remembered for `retentionMs` (the longest access-token lifetime plus
// leeway): after that no token of it can still verify. Thread-safe (read/write lock).
class RevocationSet
{
public:
    static constexpr qint64 kDefaultRetentionMs = (24 * 3600 + 30) * qint64(1000);

    // Told after every change (outside the lock, in the thread that made it) which sessions
    // were revoked and whose tokens were cut off: long-lived connections (WebSockets) check
    // their credentials again. Set once, before the set is shared between threads.
    using Listener = std::function<void(const QStringList &sessionIds, const QStringList &userIds)>;
    void setListener(Listener listener) { m_listener = std::move(listener); }

    explicit RevocationSet(const Clock &clock, qint64 retentionMs = kDefaultRetentionMs);

    void revokeSession(const QString &sessionId, qint64 atMs);
    void revokeSessions(const QStringList &sessionIds, qint64 atMs);
    // Tokens of the user issued in a second before `atMs`'s are refused from now on.
    void revokeUserBefore(const QString &userId, qint64 atMs);

    bool isSessionRevoked(const QString &sessionId) const;
    // iatSeconds: the token's iat claim.
    bool isRevoked(const QString &sessionId, const QString &userId, qint64 iatSeconds) const;

    // Forgets sessions revoked longer ago than the retention.
    void prune();
    int sessionCount() const;
    qint64 retentionMs() const { return m_retentionMs; }

private:
    void pruneLocked(qint64 nowMs);

    const Clock &m_clock;
    const qint64 m_retentionMs;
    mutable QReadWriteLock m_lock;
    QHash<QString, qint64> m_sessions; // session id → revoked at (ms)
    QHash<QString, qint64> m_users;    // user id → tokens with iat < this (seconds) are refused
    qint64 m_lastPruneMs = 0;
    Listener m_listener;
};

} // namespace cr
