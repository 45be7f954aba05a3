#include "secrets/MasterKey.h"

#include "secrets/Sodium.h"

#include <sodium.h>

namespace cr {
namespace {

constexpr char kIdDomain[] = "coderunner/master-key-id/v1";
constexpr qsizetype kNonceBytes = crypto_aead_xchacha20poly1305_ietf_NPUBBYTES;
constexpr qsizetype kTagBytes = crypto_aead_xchacha20poly1305_ietf_ABYTES;
constexpr qsizetype kHeaderBytes = 1 + kNonceBytes;

static_assert(MasterKey::kKeyBytes == crypto_aead_xchacha20poly1305_ietf_KEYBYTES);

// What the AEAD authenticates besides the ciphertext: the format version, then the caller's
// associated data (the purpose the wrapped value is bound to).
QByteArray authenticatedData(QByteArrayView associatedData)
{
    QByteArray ad;
    ad.reserve(1 + associatedData.size());
    ad.append(MasterKey::kFormatVersion);
    ad.append(associatedData);
    return ad;
}

Error unwrapFailed()
{
    return Error::make(ErrorCode::Internal,
                       QStringLiteral("a wrapped secret could not be unwrapped: it was altered, "
                                      "belongs to another purpose, or was wrapped under another "
                                      "master key"));
}

} // namespace

MasterKey::MasterKey(std::shared_ptr<const SecretBytes> key)
    : m_key(std::move(key))
    , m_id(idOf(m_key->view()))
{}

MasterKey MasterKey::generate()
{
    ensureSodium();
    auto key = std::make_shared<SecretBytes>(kKeyBytes);
    randombytes_buf(key->data(), size_t(kKeyBytes));
    return MasterKey(std::move(key));
}

Result<MasterKey> MasterKey::fromBytes(QByteArrayView bytes)
{
    if (bytes.size() != kKeyBytes)
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("a master key is %1 bytes, not %2").arg(kKeyBytes).arg(bytes.size()));
    return MasterKey(std::make_shared<const SecretBytes>(bytes));
}

QString MasterKey::idOf(QByteArrayView bytes)
{
    ensureSodium();
    unsigned char digest[crypto_generichash_BYTES];
    crypto_generichash_state state;
    crypto_generichash_init(&state, nullptr, 0, sizeof digest);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char *>(kIdDomain),
                              sizeof kIdDomain - 1);
    crypto_generichash_update(&state, reinterpret_cast<const unsigned char *>(bytes.data()),
                              size_t(bytes.size()));
    crypto_generichash_final(&state, digest, sizeof digest);
    sodium_memzero(&state, sizeof state);
    const QByteArray hex = QByteArray(reinterpret_cast<const char *>(digest), 8).toHex();
    return QString::fromLatin1(hex);
}

Result<QByteArray> MasterKey::wrap(QByteArrayView plaintext, QByteArrayView associatedData) const
{
    ensureSodium();
    if (quint64(plaintext.size()) > crypto_aead_xchacha20poly1305_ietf_MESSAGEBYTES_MAX)
        return Error::make(ErrorCode::Internal, QStringLiteral("secret too large to wrap"));
    const QByteArray ad = authenticatedData(associatedData);
    QByteArray out(kHeaderBytes + plaintext.size() + kTagBytes, Qt::Uninitialized);
    auto *bytes = reinterpret_cast<unsigned char *>(out.data());
    bytes[0] = static_cast<unsigned char>(kFormatVersion);
    randombytes_buf(bytes + 1, size_t(kNonceBytes));
    unsigned long long written = 0;
    crypto_aead_xchacha20poly1305_ietf_encrypt(
        bytes + kHeaderBytes, &written, reinterpret_cast<const unsigned char *>(plaintext.data()),
        quint64(plaintext.size()), reinterpret_cast<const unsigned char *>(ad.constData()),
        quint64(ad.size()), nullptr, bytes + 1, m_key->data());
    out.truncate(kHeaderBytes + qsizetype(written));
    return out;
}

Result<QByteArray> MasterKey::unwrap(QByteArrayView wrapped, QByteArrayView associatedData) const
{
    ensureSodium();
    if (wrapped.size() < kHeaderBytes + kTagBytes || wrapped.at(0) != kFormatVersion)
        return unwrapFailed();
    const QByteArray ad = authenticatedData(associatedData);
    const auto *bytes = reinterpret_cast<const unsigned char *>(wrapped.data());
    QByteArray plain(wrapped.size() - kHeaderBytes - kTagBytes, Qt::Uninitialized);
    unsigned long long written = 0;
    const int rc = crypto_aead_xchacha20poly1305_ietf_decrypt(
        reinterpret_cast<unsigned char *>(plain.data()), &written, nullptr, bytes + kHeaderBytes,
        quint64(wrapped.size() - kHeaderBytes),
        reinterpret_cast<const unsigned char *>(ad.constData()), quint64(ad.size()), bytes + 1,
        m_key->data());
    if (rc != 0) {
        sodium_memzero(plain.data(), size_t(plain.size()));
        return unwrapFailed();
    }
    plain.truncate(qsizetype(written));
    return plain;
}

} // namespace cr
