#include "identity/OpaqueToken.h"

#include "auth/Base64Url.h"

#include <sodium.h>

namespace cr {
namespace {

QByteArray randomText()
{
    // sodium_init() is thread-safe and cheap once done (returns 1 when already initialised).
    if (sodium_init() < 0)
        qFatal("libsodium could not be initialised");
    unsigned char bytes[OpaqueToken::kRandomBytes];
    randombytes_buf(bytes, sizeof bytes);
    const QByteArray text =
        Base64Url::encode(QByteArrayView(reinterpret_cast<const char *>(bytes), sizeof bytes));
    sodium_memzero(bytes, sizeof bytes);
    return text;
}

} // namespace

QByteArray OpaqueToken::newRefreshToken()
{
    return randomText();
}

QByteArray OpaqueToken::newApiKey()
{
    return QByteArray(kApiKeyPrefix) + randomText();
}

bool OpaqueToken::isApiKeyShape(QByteArrayView text)
{
    return text.size() == kApiKeyLength && text.startsWith(QByteArrayView(kApiKeyPrefix)) &&
           Base64Url::isCanonical(text.sliced(3));
}

bool OpaqueToken::isRefreshTokenShape(QByteArrayView text)
{
    return text.size() == kTextLength && Base64Url::isCanonical(text);
}

QString OpaqueToken::hash(QByteArrayView text)
{
    if (sodium_init() < 0)
        qFatal("libsodium could not be initialised");
    unsigned char out[crypto_generichash_BYTES];
    crypto_generichash(out, sizeof out, reinterpret_cast<const unsigned char *>(text.data()),
                       size_t(text.size()), nullptr, 0);
    return QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(out), sizeof out).toHex());
}

} // namespace cr
