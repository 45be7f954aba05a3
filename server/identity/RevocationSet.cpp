#include "identity/RevocationSet.h"

#include "core/Clock.h"

namespace cr {
namespace {
constexpr qint64 kPruneEveryMs = 60 * 1000;
}

RevocationSet::RevocationSet(const Clock &clock, qint64 retentionMs)
    : m_clock(clock)
    , m_retentionMs(retentionMs)
{}

void RevocationSet::revokeSession(const QString &sessionId, qint64 atMs)
{
    revokeSessions(QStringList{sessionId}, atMs);
}

void RevocationSet::revokeSessions(const QStringList &sessionIds, qint64 atMs)
{
    const qint64 now = m_clock.wallMs();
    {
        QWriteLocker lock(&m_lock);
        for (const QString &id : sessionIds) {
            if (!id.isEmpty())
                m_sessions.insert(id, qMax(atMs, m_sessions.value(id, 0)));
        }
        if (now - m_lastPruneMs >= kPruneEveryMs)
            pruneLocked(now);
    }
    if (m_listener && !sessionIds.isEmpty())
        m_listener(sessionIds, QStringList());
}

void RevocationSet::revokeUserBefore(const QString &userId, qint64 atMs)
{
    const qint64 seconds = atMs / 1000;
    {
        QWriteLocker lock(&m_lock);
        qint64 &entry = m_users[userId];
        entry = qMax(entry, seconds);
    }
    if (m_listener)
        m_listener(QStringList(), QStringList{userId});
}

bool RevocationSet::isSessionRevoked(const QString &sessionId) const
{
    QReadLocker lock(&m_lock);
    return m_sessions.contains(sessionId);
}

bool RevocationSet::isRevoked(const QString &sessionId, const QString &userId,
                              qint64 iatSeconds) const
{
    QReadLocker lock(&m_lock);
    if (m_sessions.contains(sessionId))
        return true;
    const auto it = m_users.constFind(userId);
    return it != m_users.constEnd() && iatSeconds < it.value();
}

void RevocationSet::prune()
{
    const qint64 now = m_clock.wallMs();
    QWriteLocker lock(&m_lock);
    pruneLocked(now);
}

void RevocationSet::pruneLocked(qint64 nowMs)
{
    m_lastPruneMs = nowMs;
    m_sessions.removeIf([&](const QHash<QString, qint64>::iterator &it) {
        return it.value() + m_retentionMs < nowMs;
    });
}

int RevocationSet::sessionCount() const
{
    QReadLocker lock(&m_lock);
    return int(m_sessions.size());
}

} // namespace cr
