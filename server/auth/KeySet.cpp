#include "auth/KeySet.h"

#include "core/Clock.h"

#include <QJsonArray>

#include <algorithm>

namespace cr {

KeySet::KeySet(const Clock &clock, qint64 retentionMs)
    : m_clock(clock)
    , m_retentionMs(qMax<qint64>(0, retentionMs))
{}

bool KeySet::stillValid(const SigningKey &key, qint64 nowMs) const
{
    return !key.isRetired() || nowMs < key.retiredAtMs() + m_retentionMs;
}

void KeySet::pruneLocked(qint64 nowMs)
{
    m_previous.removeIf([&](const SigningKey &k) { return !stillValid(k, nowMs); });
}

SigningKey KeySet::rotate()
{
    const qint64 now = m_clock.wallMs();
    SigningKey fresh = SigningKey::generate(now);
    QWriteLocker lock(&m_lock);
    if (!m_current.isNull())
        m_previous.prepend(m_current.retired(now));
    m_current = fresh;
    pruneLocked(now);
    return fresh;
}

void KeySet::restore(const SigningKey &current, const QList<SigningKey> &previous)
{
    const qint64 now = m_clock.wallMs();
    QWriteLocker lock(&m_lock);
    m_current = current.isRetired() ? current.retired(0) : current;
    m_previous.clear();
    for (const SigningKey &k : previous) {
        if (k.isNull() || k.kid() == m_current.kid())
            continue;
        m_previous.append(k.isRetired() ? k : k.retired(now));
    }
    std::sort(m_previous.begin(), m_previous.end(), [](const SigningKey &a, const SigningKey &b) {
        return a.retiredAtMs() > b.retiredAtMs();
    });
    pruneLocked(now);
}

bool KeySet::revoke(const QString &kid)
{
    QWriteLocker lock(&m_lock);
    return m_previous.removeIf([&](const SigningKey &k) { return k.kid() == kid; }) > 0;
}

void KeySet::prune()
{
    const qint64 now = m_clock.wallMs();
    QWriteLocker lock(&m_lock);
    pruneLocked(now);
}

bool KeySet::hasCurrent() const
{
    QReadLocker lock(&m_lock);
    return !m_current.isNull();
}

SigningKey KeySet::current() const
{
    QReadLocker lock(&m_lock);
    return m_current;
}

std::optional<SigningKey> KeySet::find(const QString &kid) const
{
    const qint64 now = m_clock.wallMs();
    QReadLocker lock(&m_lock);
    if (!m_current.isNull() && m_current.kid() == kid)
        return m_current;
    for (const SigningKey &k : m_previous) {
        if (k.kid() == kid)
            return stillValid(k, now) ? std::optional<SigningKey>(k) : std::nullopt;
    }
    return std::nullopt;
}

QList<SigningKey> KeySet::keys() const
{
    const qint64 now = m_clock.wallMs();
    QReadLocker lock(&m_lock);
    QList<SigningKey> out;
    if (!m_current.isNull())
        out << m_current;
    for (const SigningKey &k : m_previous) {
        if (stillValid(k, now))
            out << k;
    }
    return out;
}

QJsonObject KeySet::jwks() const
{
    QJsonArray list;
    const QList<SigningKey> all = keys();
    for (const SigningKey &k : all)
        list.append(k.publicJwk());
    return QJsonObject{{QStringLiteral("keys"), list}};
}

} // namespace cr
