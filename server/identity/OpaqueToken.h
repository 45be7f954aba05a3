#pragma once

#include <QByteArray>
#include <QByteArrayView>
#include <QString>

namespace cr {

// The opaque secrets of the identity module and how they are stored:
//  - refresh tokens: 256 random bits as 43 base64url characters;
//  - API keys: "cr_" + 43 base64url characters (256 random bits);
// both stored only as the hex BLAKE2b-256 hash of their text (no salt or key is needed: the
// secrets are uniformly random, so a hash cannot be inverted by guessing).
class OpaqueToken
{
public:
    static constexpr int kRandomBytes = 32;
    static constexpr int kTextLength = 43;
    static constexpr const char *kApiKeyPrefix = "cr_";
    static constexpr int kApiKeyLength = 3 + kTextLength;

    static QByteArray newRefreshToken();
    static QByteArray newApiKey();
    // Whether the text has the shape of an API key (prefix, length, canonical base64url).
    static bool isApiKeyShape(QByteArrayView text);
    // Whether the text has the shape of a refresh token.
    static bool isRefreshTokenShape(QByteArrayView text);
    // Hex BLAKE2b-256 of the text: what the database stores.
    static QString hash(QByteArrayView text);
};

} // namespace cr
