#include "auth/SigningKey.h"

#include "auth/Base64Url.h"
#include "secrets/Sodium.h"

#include <QtEndian>

#include <sodium.h>

#include <cstring>

namespace cr {
namespace {

constexpr char kMagic[] = "CRK1";
constexpr int kMagicBytes = 4;
constexpr int kSerialisedBytes =
    kMagicBytes + 8 + 8 + SigningKey::kSeedBytes + SigningKey::kPublicKeyBytes;

static_assert(crypto_sign_PUBLICKEYBYTES == SigningKey::kPublicKeyBytes);
static_assert(crypto_sign_SEEDBYTES == SigningKey::kSeedBytes);
static_assert(crypto_sign_BYTES == SigningKey::kSignatureBytes);

void putInt64(unsigned char *out, qint64 value)
{
    qToBigEndian<qint64>(value, out);
}

qint64 getInt64(const char *in)
{
    return qFromBigEndian<qint64>(in);
}

} // namespace

std::optional<SigningKey> SigningKey::fromSeed(QByteArrayView seed, qint64 createdAtMs)
{
    ensureSodium();
    if (seed.size() != kSeedBytes)
        return std::nullopt;
    auto secret = std::make_shared<SecretBytes>(qsizetype(crypto_sign_SECRETKEYBYTES));
    QByteArray pk(kPublicKeyBytes, Qt::Uninitialized);
    if (crypto_sign_seed_keypair(reinterpret_cast<unsigned char *>(pk.data()), secret->data(),
                                 reinterpret_cast<const unsigned char *>(seed.data())) != 0)
        return std::nullopt;
    SigningKey key;
    key.m_secret = std::move(secret);
    key.m_publicKey = pk;
    key.m_kid = thumbprint(pk);
    key.m_createdAtMs = createdAtMs;
    return key;
}

SigningKey SigningKey::generate(qint64 createdAtMs)
{
    ensureSodium();
    SecretBytes seed{qsizetype(kSeedBytes)};
    randombytes_buf(seed.data(), size_t(seed.size()));
    return *fromSeed(seed.view(), createdAtMs);
}

SecretBytes SigningKey::toBytes() const
{
    if (isNull())
        return SecretBytes();
    SecretBytes out{qsizetype(kSerialisedBytes)};
    unsigned char *p = out.data();
    std::memcpy(p, kMagic, kMagicBytes);
    p += kMagicBytes;
    putInt64(p, m_createdAtMs);
    p += 8;
    putInt64(p, m_retiredAtMs);
    p += 8;
    // libsodium's secret key is seed | public key.
    std::memcpy(p, m_secret->data(), kSeedBytes);
    p += kSeedBytes;
    std::memcpy(p, m_publicKey.constData(), kPublicKeyBytes);
    return out;
}

std::optional<SigningKey> SigningKey::fromBytes(QByteArrayView bytes)
{
    if (bytes.size() != kSerialisedBytes || std::memcmp(bytes.data(), kMagic, kMagicBytes) != 0)
        return std::nullopt;
    const char *p = bytes.data() + kMagicBytes;
    const qint64 createdAt = getInt64(p);
    const qint64 retiredAt = getInt64(p + 8);
    const QByteArrayView seed(p + 16, kSeedBytes);
    const QByteArrayView pk(p + 16 + kSeedBytes, kPublicKeyBytes);
    if (createdAt < 0 || retiredAt < 0)
        return std::nullopt;
    std::optional<SigningKey> key = fromSeed(seed, createdAt);
    if (!key || key->m_publicKey != pk)
        return std::nullopt;
    key->m_retiredAtMs = retiredAt;
    return key;
}

SigningKey SigningKey::retired(qint64 atMs) const
{
    SigningKey copy = *this;
    copy.m_retiredAtMs = atMs;
    return copy;
}

QByteArray SigningKey::sign(QByteArrayView message) const
{
    if (isNull())
        return {};
    QByteArray sig(kSignatureBytes, Qt::Uninitialized);
    crypto_sign_detached(reinterpret_cast<unsigned char *>(sig.data()), nullptr,
                         reinterpret_cast<const unsigned char *>(message.data()),
                         quint64(message.size()), m_secret->data());
    return sig;
}

bool SigningKey::verify(QByteArrayView message, QByteArrayView signature) const
{
    if (m_publicKey.size() != kPublicKeyBytes || signature.size() != kSignatureBytes)
        return false;
    return crypto_sign_verify_detached(
               reinterpret_cast<const unsigned char *>(signature.data()),
               reinterpret_cast<const unsigned char *>(message.data()), quint64(message.size()),
               reinterpret_cast<const unsigned char *>(m_publicKey.constData())) == 0;
}

QJsonObject SigningKey::publicJwk() const
{
    return QJsonObject{
        {QStringLiteral("kty"), QStringLiteral("OKP")},
        {QStringLiteral("crv"), QStringLiteral("Ed25519")},
        {QStringLiteral("x"), QString::fromLatin1(Base64Url::encode(m_publicKey))},
        {QStringLiteral("kid"), m_kid},
        {QStringLiteral("alg"), QStringLiteral("EdDSA")},
        {QStringLiteral("use"), QStringLiteral("sig")},
    };
}

QString SigningKey::thumbprint(QByteArrayView publicKey)
{
    ensureSodium();
    if (publicKey.size() != kPublicKeyBytes)
        return {};
    // RFC 7638 §3.2: required members only, lexicographic order, no whitespace.
    const QByteArray canonical = QByteArrayLiteral(R"({"crv":"Ed25519","kty":"OKP","x":")") +
                                 Base64Url::encode(publicKey) + QByteArrayLiteral(R"("})");
    unsigned char digest[crypto_hash_sha256_BYTES];
    crypto_hash_sha256(digest, reinterpret_cast<const unsigned char *>(canonical.constData()),
                       quint64(canonical.size()));
    return QString::fromLatin1(
        Base64Url::encode(QByteArrayView(reinterpret_cast<const char *>(digest), sizeof digest)));
}

} // namespace cr
