#pragma once

#include "auth/SigningKey.h"

#include <QJsonObject>
#include <QList>
#include <QReadWriteLock>

#include <optional>

namespace cr {

class Clock;

// The signing keys of the token service: one current key that signs, and previous keys that
// only verify, each kept for `retention` after it was retired so every token it signed can run
// out (retention must be at least the longest token lifetime plus the clock leeway; the default,
// 24 h + 30 s, covers the longest lifetime JwtCodec ever accepts). Thread-safe: lookups take a
// read lock and return copies; rotate() takes the write lock.
class KeySet
{
public:
    static constexpr qint64 kDefaultRetentionMs = (24 * 3600 + 30) * qint64(1000);

    explicit KeySet(const Clock &clock, qint64 retentionMs = kDefaultRetentionMs);

    // Makes a new current key; the old one (if any) is retired now and kept for verification.
    // Also drops previous keys whose retention has passed. Returns the new key.
    SigningKey rotate();
    // Installs keys loaded from storage: `current` signs, `previous` verify while still valid
    // (their retiredAtMs decides; a previous key with retiredAtMs 0 is taken as retired now).
    void restore(const SigningKey &current, const QList<SigningKey> &previous);
    // Drops a key at once (a compromised key): its tokens stop verifying. A current key cannot be
    // revoked this way: rotate() first. Returns whether a key was removed.
    bool revoke(const QString &kid);
    // Forgets previous keys whose retention has passed.
    void prune();

    bool hasCurrent() const;
    SigningKey current() const;
    // A key that may verify now (current or retained previous); nullopt for unknown or expired.
    std::optional<SigningKey> find(const QString &kid) const;
    // Current first, then the still-valid previous keys, newest first (what storage persists).
    QList<SigningKey> keys() const;
    // {"keys":[JWK of current and still-valid previous keys]} for /.well-known/jwks.json.
    QJsonObject jwks() const;

    qint64 retentionMs() const { return m_retentionMs; }

private:
    bool stillValid(const SigningKey &key, qint64 nowMs) const;
    void pruneLocked(qint64 nowMs);

    const Clock &m_clock;
    const qint64 m_retentionMs;
    mutable QReadWriteLock m_lock;
    SigningKey m_current;
    QList<SigningKey> m_previous; // newest first
};

} // namespace cr
