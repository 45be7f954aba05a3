#pragma once

#include "secrets/SecretBytes.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

namespace cr {

// One Ed25519 key pair (libsodium crypto_sign_*) with its identity and life:
//  - kid: the RFC 7638 JWK thumbprint, base64url(SHA-256 of the canonical JSON
//    {"crv":"Ed25519","kty":"OKP","x":"<public key>"}), so the same key always has the same kid;
//  - createdAtMs: when it was made (wall-clock ms);
//  - retiredAtMs: when it stopped signing (0 while it is the current key).
// The secret key lives in a sodium_malloc'ed buffer shared by copies (copies are cheap and never
// duplicate the secret); it is wiped when the last copy goes.
class SigningKey
{
public:
    static constexpr int kPublicKeyBytes = 32;
    static constexpr int kSeedBytes = 32;
    static constexpr int kSignatureBytes = 64;

    SigningKey() = default; // a null key: signs nothing, verifies nothing

    static SigningKey generate(qint64 createdAtMs);
    // The deterministic key of a 32-byte seed (RFC 8032 private key); nullopt for a bad size.
    static std::optional<SigningKey> fromSeed(QByteArrayView seed, qint64 createdAtMs);

    // Serialisation of the whole pair for storage (which wraps it under a master key):
    // "CRK1" | createdAtMs (int64 BE) | retiredAtMs (int64 BE) | seed (32) | public key (32).
    // fromBytes() re-derives the pair from the seed and refuses bytes whose public key does not
    // match, a wrong size or a wrong magic.
    SecretBytes toBytes() const;
    static std::optional<SigningKey> fromBytes(QByteArrayView bytes);

    bool isNull() const { return !m_secret; }
    const QString &kid() const { return m_kid; }
    const QByteArray &publicKey() const { return m_publicKey; }
    qint64 createdAtMs() const { return m_createdAtMs; }
    qint64 retiredAtMs() const { return m_retiredAtMs; }
    bool isRetired() const { return m_retiredAtMs != 0; }
    // A copy of this key marked as retired at `atMs` (the secret stays shared).
    SigningKey retired(qint64 atMs) const;

    // Detached Ed25519 signature (64 bytes); empty for a null key.
    QByteArray sign(QByteArrayView message) const;
    bool verify(QByteArrayView message, QByteArrayView signature) const;

    // {"kty":"OKP","crv":"Ed25519","x":…,"kid":…,"alg":"EdDSA","use":"sig"}: public parts only.
    QJsonObject publicJwk() const;

    // RFC 7638 thumbprint of an Ed25519 public key; empty for a bad size.
    static QString thumbprint(QByteArrayView publicKey);

private:
    std::shared_ptr<const SecretBytes> m_secret; // the 64-byte libsodium secret key (seed | pk)
    QByteArray m_publicKey;
    QString m_kid;
    qint64 m_createdAtMs = 0;
    qint64 m_retiredAtMs = 0;
};

} // namespace cr
