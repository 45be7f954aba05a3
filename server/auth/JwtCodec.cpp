#include "auth/JwtCodec.h"

#include "auth/Base64Url.h"
#include "auth/KeySet.h"
#include "auth/StrictJson.h"
#include "core/Clock.h"
#include "secrets/Sodium.h"

#include <QJsonDocument>
#include <QJsonObject>

#include <sodium.h>

namespace cr {
namespace {

// NumericDate bounds we accept: 0 … year 9999.
constexpr qint64 kMaxNumericDate = 253402300799;

Error refused(const char *why)
{
    return Error::make(ErrorCode::Unauthorized,
                       QStringLiteral("invalid token: ") + QString::fromLatin1(why));
}

QString stringClaim(const QJsonObject &obj, QLatin1String name)
{
    const QJsonValue v = obj.value(name);
    return v.isString() ? v.toString() : QString();
}

QString randomId()
{
    unsigned char bytes[16];
    randombytes_buf(bytes, sizeof bytes);
    return QString::fromLatin1(
        Base64Url::encode(QByteArrayView(reinterpret_cast<const char *>(bytes), sizeof bytes)));
}

} // namespace

JwtCodec::JwtCodec(std::shared_ptr<const KeySet> keys, const Clock &clock, Options options)
    : m_keys(std::move(keys))
    , m_clock(clock)
    , m_options(std::move(options))
{
    ensureSodium();
    m_options.leewaySeconds = qBound(0, m_options.leewaySeconds, kMaxLeewaySeconds);
    m_options.lifetimeSeconds = qBound<qint64>(1, m_options.lifetimeSeconds, kMaxLifetimeSeconds);
}

Result<JwtCodec::Issued> JwtCodec::issue(const Claims &claims) const
{
    if (claims.sub.isEmpty() || claims.sid.isEmpty())
        return Error::make(ErrorCode::ValidationError, QStringLiteral("token needs sub and sid"));
    if (claims.role == Role::Anonymous)
        return Error::make(ErrorCode::ValidationError, QStringLiteral("token needs a role"));
    const qint64 lifetime =
        claims.lifetimeSeconds > 0 ? claims.lifetimeSeconds : m_options.lifetimeSeconds;
    if (lifetime > kMaxLifetimeSeconds)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("token lifetime above 24 hours"));
    if (m_options.issuer.isEmpty() || m_options.audience.isEmpty())
        return Error::make(ErrorCode::Internal, QStringLiteral("token issuer/audience not set"));
    const SigningKey key = m_keys->current();
    if (key.isNull())
        return Error::make(ErrorCode::Internal, QStringLiteral("no signing key"));

    Issued out;
    out.kid = key.kid();
    out.jti = claims.jti.isEmpty() ? randomId() : claims.jti;
    out.iat = m_clock.wallMs() / 1000;
    out.exp = out.iat + lifetime;

    const QJsonObject header{{QStringLiteral("alg"), QStringLiteral("EdDSA")},
                             {QStringLiteral("typ"), QStringLiteral("at+jwt")},
                             {QStringLiteral("kid"), key.kid()}};
    const QJsonObject payload{{QStringLiteral("iss"), m_options.issuer},
                              {QStringLiteral("aud"), m_options.audience},
                              {QStringLiteral("sub"), claims.sub},
                              {QStringLiteral("role"), QLatin1String(roleName(claims.role))},
                              {QStringLiteral("sid"), claims.sid},
                              {QStringLiteral("jti"), out.jti},
                              {QStringLiteral("iat"), out.iat},
                              {QStringLiteral("nbf"), out.iat},
                              {QStringLiteral("exp"), out.exp}};
    QByteArray signingInput =
        Base64Url::encode(QJsonDocument(header).toJson(QJsonDocument::Compact));
    signingInput += '.';
    signingInput += Base64Url::encode(QJsonDocument(payload).toJson(QJsonDocument::Compact));
    out.token = signingInput + '.' + Base64Url::encode(key.sign(signingInput));
    return out;
}

Result<VerifiedToken> JwtCodec::verify(QByteArrayView token) const
{
    if (token.isEmpty())
        return refused("empty");
    if (m_options.issuer.isEmpty() || m_options.audience.isEmpty())
        return refused("issuer and audience are not configured");
    if (token.size() > kMaxTokenBytes)
        return refused("too long");

    // Exactly three non-empty parts.
    const qsizetype dot1 = token.indexOf('.');
    const qsizetype dot2 = dot1 < 0 ? -1 : token.indexOf('.', dot1 + 1);
    if (dot1 <= 0 || dot2 < 0 || dot2 == dot1 + 1 || dot2 == token.size() - 1 ||
        token.indexOf('.', dot2 + 1) >= 0)
        return refused("not a compact JWS of three parts");
    const QByteArrayView headerPart = token.first(dot1);
    const QByteArrayView payloadPart = token.sliced(dot1 + 1, dot2 - dot1 - 1);
    const QByteArrayView signaturePart = token.sliced(dot2 + 1);
    const QByteArrayView signingInput = token.first(dot2);

    // Header: exactly alg, typ, kid.
    const std::optional<QByteArray> headerJson = Base64Url::decode(headerPart);
    if (!headerJson)
        return refused("header is not base64url");
    const std::optional<QJsonObject> header = StrictJson::parseObject(*headerJson);
    if (!header)
        return refused("header is not a JSON object");
    for (const char *forbidden : {"jku", "jwk", "x5u", "x5c", "crit"}) {
        if (header->contains(QLatin1String(forbidden)))
            return refused("header parameter not accepted");
    }
    if (header->value(QLatin1String("alg")) != QJsonValue(QStringLiteral("EdDSA")))
        return refused("algorithm not accepted");
    if (header->value(QLatin1String("typ")) != QJsonValue(QStringLiteral("at+jwt")))
        return refused("type not accepted");
    const QString kid = stringClaim(*header, QLatin1String("kid"));
    if (kid.isEmpty())
        return refused("no key id");
    if (header->size() != 3)
        return refused("header parameter not accepted");

    // Key and signature before anything in the payload is believed.
    const std::optional<SigningKey> key = m_keys->find(kid);
    if (!key)
        return refused("unknown key");
    const std::optional<QByteArray> signature = Base64Url::decode(signaturePart);
    if (!signature || signature->size() != SigningKey::kSignatureBytes)
        return refused("signature is malformed");
    if (!key->verify(signingInput, *signature))
        return refused("signature does not match");

    // Claims.
    const std::optional<QByteArray> payloadJson = Base64Url::decode(payloadPart);
    if (!payloadJson)
        return refused("payload is not base64url");
    const std::optional<QJsonObject> claims = StrictJson::parseObject(*payloadJson);
    if (!claims)
        return refused("payload is not a JSON object");
    if (claims->value(QLatin1String("iss")) != QJsonValue(m_options.issuer))
        return refused("wrong issuer");
    if (claims->value(QLatin1String("aud")) != QJsonValue(m_options.audience))
        return refused("wrong audience");

    VerifiedToken out;
    out.kid = kid;
    out.sub = stringClaim(*claims, QLatin1String("sub"));
    out.sid = stringClaim(*claims, QLatin1String("sid"));
    out.jti = stringClaim(*claims, QLatin1String("jti"));
    if (out.sub.isEmpty() || out.sid.isEmpty() || out.jti.isEmpty())
        return refused("sub, sid and jti are required");
    const std::optional<Role> role =
        VerifiedToken::roleFromClaim(claims->value(QLatin1String("role")).toString());
    if (!role) // toString() of a non-string is empty: refused as well
        return refused("role not accepted");
    out.role = *role;

    const std::optional<qint64> iat =
        StrictJson::integer(claims->value(QLatin1String("iat")), 0, kMaxNumericDate);
    const std::optional<qint64> nbf =
        StrictJson::integer(claims->value(QLatin1String("nbf")), 0, kMaxNumericDate);
    const std::optional<qint64> exp =
        StrictJson::integer(claims->value(QLatin1String("exp")), 0, kMaxNumericDate);
    if (!iat || !nbf || !exp)
        return refused("iat, nbf and exp must be whole numbers");
    out.iat = *iat;
    out.nbf = *nbf;
    out.exp = *exp;
    if (out.exp <= out.iat || out.exp <= out.nbf)
        return refused("exp is not after iat and nbf");
    if (out.exp - out.iat > kMaxLifetimeSeconds)
        return refused("lifetime above 24 hours");

    const qint64 nowMs = m_clock.wallMs();
    const qint64 leewayMs = qint64(m_options.leewaySeconds) * 1000;
    if (out.iat * 1000 > nowMs + leewayMs)
        return refused("issued in the future");
    if (out.nbf * 1000 > nowMs + leewayMs)
        return refused("not yet valid");
    if (nowMs >= out.exp * 1000 + leewayMs)
        return Error::make(ErrorCode::TokenExpired, QStringLiteral("token expired"));
    return out;
}

} // namespace cr
