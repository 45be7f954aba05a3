#pragma once

#include "core/KeyWrapper.h"
#include "core/Result.h"
#include "secrets/SecretBytes.h"

#include <QByteArrayView>
#include <QString>

#include <memory>

namespace cr {

// The one master key (docs/SECRETS.md): 32 random bytes that live only in the secret store
// (keychain or key file) and in locked memory, never in the database. It wraps every other
// secret the database holds with XChaCha20-Poly1305 (IETF), each wrapped value bound to its
// purpose by associated data:
//
//     wrapped = version (1 byte, 0x01) | nonce (24 random bytes) | ciphertext | tag (16 bytes)
//
// with the version byte authenticated together with the caller's associated data. keyId() is
// the first 16 hex characters of BLAKE2b("coderunner/master-key-id/v1" | key): recorded in the
// database, it tells which key the data expects without revealing anything about the key.
//
// Copies share one immutable key buffer; thread-safe.
class MasterKey final : public KeyWrapper
{
public:
    static constexpr qsizetype kKeyBytes = 32;
    static constexpr char kFormatVersion = 0x01;

    // A new random key (randombytes_buf).
    static MasterKey generate();
    // A key from its bytes, as read from a secret store; anything but 32 bytes is refused.
    static Result<MasterKey> fromBytes(QByteArrayView bytes);
    // The id of a key given as bytes (what keyId() returns for it).
    static QString idOf(QByteArrayView bytes);

    QString keyId() const override { return m_id; }
    Result<QByteArray> wrap(QByteArrayView plaintext, QByteArrayView associatedData) const override;
    // A wrapped value that was altered, has other associated data, or was wrapped under another
    // key gives one and the same error, which says nothing about what did not match.
    Result<QByteArray> unwrap(QByteArrayView wrapped, QByteArrayView associatedData) const override;

    // The key itself, for writing it to a secret store: never log or persist it elsewhere.
    QByteArrayView bytes() const { return m_key->view(); }

private:
    explicit MasterKey(std::shared_ptr<const SecretBytes> key);

    std::shared_ptr<const SecretBytes> m_key;
    QString m_id;
};

} // namespace cr
