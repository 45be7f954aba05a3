#pragma once

// What the JwtCodec suites share (tst_jwt, tst_jwt_attacks): base64url/JSON helpers, an HMAC
// for the algorithm-confusion rows, and a fixture with a KeySet, a codec and token crafting.

#include "auth/Base64Url.h"
#include "auth/JwtCodec.h"
#include "auth/KeySet.h"
#include "core/Clock.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <sodium.h>

#include <memory>

namespace jwttest {

using namespace cr;

inline const QString kIssuer = QStringLiteral("https://coderunner.test");
inline const QString kAudience = QStringLiteral("coderunner-api");

inline QByteArray b64(const QByteArray &bytes)
{
    return Base64Url::encode(bytes);
}

inline QByteArray json(const QJsonObject &obj)
{
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

inline QByteArray hs256(const QByteArray &input, const QByteArray &secret)
{
    // HMAC-SHA-256 with a key of any length (the "algorithm confusion" attack: the verifier's
    // public key used as an HMAC secret).
    crypto_auth_hmacsha256_state state;
    crypto_auth_hmacsha256_init(&state, reinterpret_cast<const unsigned char *>(secret.constData()),
                                size_t(secret.size()));
    crypto_auth_hmacsha256_update(
        &state, reinterpret_cast<const unsigned char *>(input.constData()), quint64(input.size()));
    QByteArray mac(crypto_auth_hmacsha256_BYTES, Qt::Uninitialized);
    crypto_auth_hmacsha256_final(&state, reinterpret_cast<unsigned char *>(mac.data()));
    return mac;
}

// Flips the unused low bits of the last character so the text decodes to the same bytes.
inline QByteArray nonCanonical(const QByteArray &part)
{
    const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QByteArray out = part;
    const int v = int(alphabet.indexOf(out.back()));
    out.back() = alphabet[v | 0x01]; // the lowest bit is unused when size % 4 is 2 or 3
    return out;
}

// A KeySet with one current key (retention 60 s), a key it does not know, and a codec; call
// setUpCodec() from initTestCase().
class JwtFixture
{
protected:
    ManualClock m_clock;
    std::shared_ptr<KeySet> m_keys;
    std::unique_ptr<JwtCodec> m_codec;
    SigningKey m_key;   // the KeySet's current key
    SigningKey m_other; // a key the KeySet does not know

    void setUpCodec()
    {
        m_keys = std::make_shared<KeySet>(m_clock, 60 * 1000);
        m_key = m_keys->rotate();
        m_other = SigningKey::generate(m_clock.wallMs());
        m_codec =
            std::make_unique<JwtCodec>(m_keys, m_clock, JwtCodec::Options{kIssuer, kAudience});
    }

    qint64 now() const { return m_clock.wallMs() / 1000; }

    QJsonObject header(const SigningKey &key) const
    {
        return QJsonObject{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                           {QStringLiteral("typ"), QStringLiteral("at+jwt")},
                           {QStringLiteral("kid"), key.kid()}};
    }

    QJsonObject claims() const
    {
        return QJsonObject{{QStringLiteral("iss"), kIssuer},
                           {QStringLiteral("aud"), kAudience},
                           {QStringLiteral("sub"), QStringLiteral("user-1")},
                           {QStringLiteral("role"), QStringLiteral("developer")},
                           {QStringLiteral("sid"), QStringLiteral("session-1")},
                           {QStringLiteral("jti"), QStringLiteral("token-1")},
                           {QStringLiteral("iat"), now()},
                           {QStringLiteral("nbf"), now()},
                           {QStringLiteral("exp"), now() + 900}};
    }

    // A compact JWS over raw header and payload bytes, signed by `key` (EdDSA).
    static QByteArray craft(const QByteArray &headerJson, const QByteArray &payloadJson,
                            const SigningKey &key)
    {
        const QByteArray input = b64(headerJson) + '.' + b64(payloadJson);
        return input + '.' + b64(key.sign(input));
    }

    QByteArray signedWith(const QJsonObject &payload) const
    {
        return craft(json(header(m_key)), json(payload), m_key);
    }

    QByteArray signedHeader(const QJsonObject &hdr) const
    {
        return craft(json(hdr), json(claims()), m_key);
    }

    QJsonObject claimsWith(const QString &name, const QJsonValue &value) const
    {
        QJsonObject c = claims();
        if (value.isUndefined())
            c.remove(name);
        else
            c.insert(name, value);
        return c;
    }

    QJsonObject headerWith(const QString &name, const QJsonValue &value) const
    {
        QJsonObject h = header(m_key);
        if (value.isUndefined())
            h.remove(name);
        else
            h.insert(name, value);
        return h;
    }
};

} // namespace jwttest
