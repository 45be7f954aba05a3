// JwtCodec: issue/verify round trip, the attack table (every row is refused with
// UNAUTHORIZED, or TOKEN_EXPIRED for an expired token, and no message echoes the token), the
// clock rules at their edges, and tokens across a key rotation.

#include "auth/Base64Url.h"
#include "auth/JwtCodec.h"
#include "auth/KeySet.h"
#include "core/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTest>

#include <sodium.h>

using namespace cr;

namespace {

const QString kIssuer = QStringLiteral("https://coderunner.test");
const QString kAudience = QStringLiteral("coderunner-api");

QByteArray b64(const QByteArray &bytes)
{
    return Base64Url::encode(bytes);
}

QByteArray json(const QJsonObject &obj)
{
    return QJsonDocument(obj).toJson(QJsonDocument::Compact);
}

QByteArray hs256(const QByteArray &input, const QByteArray &secret)
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
QByteArray nonCanonical(const QByteArray &part)
{
    const QByteArray alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
    QByteArray out = part;
    const int v = int(alphabet.indexOf(out.back()));
    out.back() = alphabet[v | 0x01]; // the lowest bit is unused when size % 4 is 2 or 3
    return out;
}

} // namespace

class tst_Jwt : public QObject
{
    Q_OBJECT

private:
    ManualClock m_clock;
    std::shared_ptr<KeySet> m_keys;
    std::unique_ptr<JwtCodec> m_codec;
    SigningKey m_key;   // the KeySet's current key
    SigningKey m_other; // a key the KeySet does not know

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

private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void issueDefaultsAndLimits();
    void attacks_data();
    void attacks();
    void clockEdges();
    void leewayIsCappedAt30Seconds();
    void rotation();
};

void tst_Jwt::initTestCase()
{
    m_keys = std::make_shared<KeySet>(m_clock, 60 * 1000);
    m_key = m_keys->rotate();
    m_other = SigningKey::generate(m_clock.wallMs());
    m_codec = std::make_unique<JwtCodec>(m_keys, m_clock, JwtCodec::Options{kIssuer, kAudience});
}

void tst_Jwt::roundTrip()
{
    const Result<JwtCodec::Issued> issued = m_codec->issue(
        {QStringLiteral("user-42"), Role::Operator, QStringLiteral("sess-9"), QString(), 0});
    QVERIFY(issued.ok());
    const QByteArray &token = issued.value().token;
    QCOMPARE(token.count('.'), 2);

    // The header is exactly alg, typ, kid.
    const QJsonObject hdr =
        QJsonDocument::fromJson(*Base64Url::decode(token.left(token.indexOf('.')))).object();
    QCOMPARE(hdr, header(m_key));

    const Result<VerifiedToken> v = m_codec->verify(token);
    QVERIFY2(v.ok(), qPrintable(v.ok() ? QString() : v.error().message));
    QCOMPARE(v.value().sub, QStringLiteral("user-42"));
    QCOMPARE(v.value().role, Role::Operator);
    QCOMPARE(v.value().sid, QStringLiteral("sess-9"));
    QCOMPARE(v.value().jti, issued.value().jti);
    QCOMPARE(v.value().jti.size(), 22); // 128 random bits
    QCOMPARE(v.value().kid, m_key.kid());
    QCOMPARE(v.value().iat, now());
    QCOMPARE(v.value().nbf, now());
    QCOMPARE(v.value().exp, now() + 15 * 60);

    const Principal p = v.value().principal();
    QCOMPARE(p.role, Role::Operator);
    QCOMPARE(p.userId, QStringLiteral("user-42"));
    QCOMPARE(p.sessionId, QStringLiteral("sess-9"));
    QCOMPARE(p.expiresAtMs, (now() + 15 * 60) * 1000);
    QVERIFY(!p.viaApiKey);

    // Every role survives the trip.
    for (Role r : {Role::Viewer, Role::Developer, Role::Operator, Role::Admin}) {
        const auto t = m_codec->issue({QStringLiteral("u"), r, QStringLiteral("s"), {}, 0});
        QCOMPARE(m_codec->verify(t.value().token).value().role, r);
    }
}

void tst_Jwt::issueDefaultsAndLimits()
{
    auto t = m_codec->issue(
        {QStringLiteral("u"), Role::Admin, QStringLiteral("s"), QStringLiteral("my-jti"), 3600});
    QVERIFY(t.ok());
    QCOMPARE(t.value().jti, QStringLiteral("my-jti"));
    QCOMPARE(t.value().exp - t.value().iat, qint64(3600));
    QVERIFY(m_codec->verify(t.value().token).ok());

    QCOMPARE(m_codec->issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 86401})
                 .error()
                 .code,
             ErrorCode::ValidationError);
    QVERIFY(
        m_codec->issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 86400}).ok());
    QCOMPARE(m_codec->issue({QString(), Role::Admin, QStringLiteral("s"), {}, 0}).error().code,
             ErrorCode::ValidationError);
    QCOMPARE(m_codec->issue({QStringLiteral("u"), Role::Admin, QString(), {}, 0}).error().code,
             ErrorCode::ValidationError);
    QCOMPARE(m_codec->issue({QStringLiteral("u"), Role::Anonymous, QStringLiteral("s"), {}, 0})
                 .error()
                 .code,
             ErrorCode::ValidationError);

    // No current key: nothing to sign with.
    auto empty = std::make_shared<KeySet>(m_clock);
    const JwtCodec keyless(empty, m_clock, {kIssuer, kAudience});
    QCOMPARE(
        keyless.issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 0}).error().code,
        ErrorCode::Internal);

    // Without issuer and audience nothing is issued or accepted.
    const JwtCodec unnamed(m_keys, m_clock, {});
    QCOMPARE(
        unnamed.issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 0}).error().code,
        ErrorCode::Internal);
    const JwtCodec blank(m_keys, m_clock, {QString(), QString()});
    QJsonObject blankClaims = claims();
    blankClaims[QStringLiteral("iss")] = QString();
    blankClaims[QStringLiteral("aud")] = QString();
    QCOMPARE(blank.verify(signedWith(blankClaims)).error().code, ErrorCode::Unauthorized);

    // Two tokens never share a jti.
    const auto a = m_codec->issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 0});
    const auto b = m_codec->issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 0});
    QVERIFY(a.value().jti != b.value().jti);
}

void tst_Jwt::attacks_data()
{
    QTest::addColumn<QByteArray>("token");
    QTest::addColumn<int>("code");
    const int unauthorized = int(ErrorCode::Unauthorized);
    // Takes the token as a QByteArray: with QT_USE_QSTRINGBUILDER `a + b` is a builder.
    const auto row = [](const char *name, const QByteArray &token, int code) {
        QTest::newRow(name) << token << code;
    };
    const QJsonValue undefined(QJsonValue::Undefined);

    const QByteArray good = signedWith(claims());
    const QList<QByteArray> parts = good.split('.');
    const QByteArray headerB64 = parts[0];
    const QByteArray payloadB64 = parts[1];
    const QByteArray sigB64 = parts[2];
    const QByteArray input = headerB64 + '.' + payloadB64;

    // Tampering and signatures.
    row("payload edited",
        headerB64 + '.' + b64(json(claimsWith(QStringLiteral("role"), QStringLiteral("admin")))) +
            '.' + sigB64,
        unauthorized);
    row("header edited",
        b64(json(headerWith(QStringLiteral("typ"), QStringLiteral("JWT")))) + '.' + payloadB64 +
            '.' + sigB64,
        unauthorized);
    row("header re-serialised (same meaning, other bytes)",
        b64(R"({"typ":"at+jwt","alg":"EdDSA","kid":")" + m_key.kid().toLatin1() + R"("})") + '.' +
            payloadB64 + '.' + sigB64,
        unauthorized);
    row("signature stripped", input + '.', unauthorized);
    row("signature part missing", input, unauthorized);
    QByteArray flipped = *Base64Url::decode(sigB64);
    flipped[0] = char(flipped[0] ^ 0x01);
    row("signature bit flipped", input + '.' + b64(flipped), unauthorized);
    row("signature truncated", input + '.' + sigB64.left(84), unauthorized);
    row("signature of zeros", input + '.' + b64(QByteArray(64, '\0')), unauthorized);
    row("signature of another key, our kid", craft(json(header(m_key)), json(claims()), m_other),
        unauthorized);
    row("another key with its own kid (unknown kid)",
        craft(json(header(m_other)), json(claims()), m_other), unauthorized);
    row("unknown kid", signedHeader(headerWith(QStringLiteral("kid"), QStringLiteral("unknown"))),
        unauthorized);
    row("kid missing", signedHeader(headerWith(QStringLiteral("kid"), undefined)), unauthorized);
    row("kid not a string", signedHeader(headerWith(QStringLiteral("kid"), 7)), unauthorized);

    // Algorithms.
    const QByteArray noneHeader =
        b64(json(headerWith(QStringLiteral("alg"), QStringLiteral("none"))));
    row("alg none, empty signature", noneHeader + '.' + payloadB64 + '.', unauthorized);
    row("alg none, no signature part", noneHeader + '.' + payloadB64, unauthorized);
    row("alg none, signed", signedHeader(headerWith(QStringLiteral("alg"), QStringLiteral("none"))),
        unauthorized);
    row("alg None", signedHeader(headerWith(QStringLiteral("alg"), QStringLiteral("None"))),
        unauthorized);
    const QByteArray hsHeader =
        b64(json(headerWith(QStringLiteral("alg"), QStringLiteral("HS256"))));
    const QByteArray hsInput = hsHeader + '.' + payloadB64;
    row("alg HS256, HMAC keyed with the public key bytes",
        hsInput + '.' + b64(hs256(hsInput, m_key.publicKey())), unauthorized);
    row("alg HS256, HMAC keyed with the JWK x text",
        hsInput + '.' + b64(hs256(hsInput, b64(m_key.publicKey()))), unauthorized);
    row("alg HS256, HMAC keyed with the JWK JSON",
        hsInput + '.' + b64(hs256(hsInput, json(m_key.publicJwk()))), unauthorized);
    row("alg RS256", signedHeader(headerWith(QStringLiteral("alg"), QStringLiteral("RS256"))),
        unauthorized);
    row("alg ES256", signedHeader(headerWith(QStringLiteral("alg"), QStringLiteral("ES256"))),
        unauthorized);
    row("alg Ed25519", signedHeader(headerWith(QStringLiteral("alg"), QStringLiteral("Ed25519"))),
        unauthorized);
    row("alg eddsa (case)",
        signedHeader(headerWith(QStringLiteral("alg"), QStringLiteral("eddsa"))), unauthorized);
    row("alg missing", signedHeader(headerWith(QStringLiteral("alg"), undefined)), unauthorized);
    row("alg as array",
        signedHeader(headerWith(QStringLiteral("alg"), QJsonArray{QStringLiteral("EdDSA")})),
        unauthorized);

    // Header parameters.
    row("typ JWT", signedHeader(headerWith(QStringLiteral("typ"), QStringLiteral("JWT"))),
        unauthorized);
    row("typ missing", signedHeader(headerWith(QStringLiteral("typ"), undefined)), unauthorized);
    row("typ application/at+jwt",
        signedHeader(headerWith(QStringLiteral("typ"), QStringLiteral("application/at+jwt"))),
        unauthorized);
    row("jku",
        signedHeader(headerWith(QStringLiteral("jku"), QStringLiteral("https://evil.test/jwks"))),
        unauthorized);
    row("jwk", signedHeader(headerWith(QStringLiteral("jwk"), m_other.publicJwk())), unauthorized);
    row("jwk of our own key", signedHeader(headerWith(QStringLiteral("jwk"), m_key.publicJwk())),
        unauthorized);
    row("x5u",
        signedHeader(headerWith(QStringLiteral("x5u"), QStringLiteral("https://evil.test/cert"))),
        unauthorized);
    row("x5c", signedHeader(headerWith(QStringLiteral("x5c"), QJsonArray{QStringLiteral("MIIB")})),
        unauthorized);
    row("crit", signedHeader(headerWith(QStringLiteral("crit"), QJsonArray{QStringLiteral("exp")})),
        unauthorized);
    row("unknown header parameter",
        signedHeader(headerWith(QStringLiteral("cty"), QStringLiteral("JWT"))), unauthorized);
    const QByteArray kid = m_key.kid().toLatin1();
    row("duplicate alg in header",
        craft(R"({"alg":"none","typ":"at+jwt","kid":")" + kid + R"(","alg":"EdDSA"})",
              json(claims()), m_key),
        unauthorized);
    row("duplicate alg, escaped spelling",
        craft(R"({"alg":"EdDSA","typ":"at+jwt","kid":")" + kid + R"(","\u0061lg":"EdDSA"})",
              json(claims()), m_key),
        unauthorized);
    row("header is an array", craft("[]", json(claims()), m_key), unauthorized);
    row("header is not JSON", craft("{alg:EdDSA}", json(claims()), m_key), unauthorized);
    row("header with trailing garbage", craft(json(header(m_key)) + "x", json(claims()), m_key),
        unauthorized);

    // Encoding.
    row("non-canonical signature", input + '.' + nonCanonical(sigB64), unauthorized);
    if (headerB64.size() % 4 >= 2)
        row("non-canonical header", nonCanonical(headerB64) + '.' + payloadB64 + '.' + sigB64,
            unauthorized);
    row("padded signature", good + "==", unauthorized);
    row("padded header", headerB64 + "=." + payloadB64 + '.' + sigB64, unauthorized);
    row("standard alphabet",
        QByteArray(good).replace('-', '+').replace('_', '/') +
            (good.contains('-') || good.contains('_') ? "" : "+"),
        unauthorized);
    row("trailing newline", good + '\n', unauthorized);
    row("leading space", ' ' + good, unauthorized);
    row("Bearer prefix kept", "Bearer " + good, unauthorized);
    row("extra part", good + ".e30", unauthorized);
    row("extra empty part", good + '.', unauthorized);
    row("five parts (JWE shape)", headerB64 + ".." + payloadB64 + ".." + sigB64, unauthorized);
    row("empty header part", '.' + payloadB64 + '.' + sigB64, unauthorized);
    row("empty payload part", headerB64 + ".." + sigB64, unauthorized);
    row("signed empty payload", craft(json(header(m_key)), QByteArray(), m_key), unauthorized);

    // Claims.
    row("wrong aud", signedWith(claimsWith(QStringLiteral("aud"), QStringLiteral("other"))),
        unauthorized);
    row("aud as array", signedWith(claimsWith(QStringLiteral("aud"), QJsonArray{kAudience})),
        unauthorized);
    row("aud missing", signedWith(claimsWith(QStringLiteral("aud"), undefined)), unauthorized);
    row("wrong iss",
        signedWith(claimsWith(QStringLiteral("iss"), QStringLiteral("https://evil.test"))),
        unauthorized);
    row("iss missing", signedWith(claimsWith(QStringLiteral("iss"), undefined)), unauthorized);
    for (const char *name : {"sub", "sid", "jti", "role", "iat", "nbf", "exp"}) {
        const QString n = QString::fromLatin1(name);
        const QByteArray missing = QByteArray(name) + " missing";
        const QByteArray null = QByteArray(name) + " null";
        row(missing.constData(), signedWith(claimsWith(n, undefined)), unauthorized);
        row(null.constData(), signedWith(claimsWith(n, QJsonValue::Null)), unauthorized);
    }
    row("sub empty", signedWith(claimsWith(QStringLiteral("sub"), QString())), unauthorized);
    row("sub a number", signedWith(claimsWith(QStringLiteral("sub"), 42)), unauthorized);
    row("role superadmin",
        signedWith(claimsWith(QStringLiteral("role"), QStringLiteral("superadmin"))), unauthorized);
    row("role anonymous",
        signedWith(claimsWith(QStringLiteral("role"), QStringLiteral("anonymous"))), unauthorized);
    row("role Admin (case)",
        signedWith(claimsWith(QStringLiteral("role"), QStringLiteral("Admin"))), unauthorized);
    row("role as number", signedWith(claimsWith(QStringLiteral("role"), 4)), unauthorized);
    row("role as array",
        signedWith(claimsWith(QStringLiteral("role"), QJsonArray{QStringLiteral("admin")})),
        unauthorized);
    row("exp as string",
        signedWith(claimsWith(QStringLiteral("exp"), QString::number(now() + 900))), unauthorized);
    row("exp fractional", signedWith(claimsWith(QStringLiteral("exp"), now() + 900.5)),
        unauthorized);
    row("exp huge", signedWith(claimsWith(QStringLiteral("exp"), 1e300)), unauthorized);
    row("exp boolean", signedWith(claimsWith(QStringLiteral("exp"), true)), unauthorized);
    row("iat negative", signedWith(claimsWith(QStringLiteral("iat"), -5)), unauthorized);
    row("duplicate sub",
        craft(json(header(m_key)),
              json(claims()).replace(R"("sub":"user-1")", R"("sub":"user-1","sub":"admin")"),
              m_key),
        unauthorized);
    row("payload is an array", craft(json(header(m_key)), "[1]", m_key), unauthorized);
    row("payload is a string", craft(json(header(m_key)), "\"x\"", m_key), unauthorized);
    row("payload is null", craft(json(header(m_key)), "null", m_key), unauthorized);

    // Time (leeway 30 s).
    QJsonObject expired = claims();
    expired[QStringLiteral("iat")] = now() - 1000;
    expired[QStringLiteral("nbf")] = now() - 1000;
    expired[QStringLiteral("exp")] = now() - 31;
    row("expired", signedWith(expired), int(ErrorCode::TokenExpired));
    row("not yet valid", signedWith(claimsWith(QStringLiteral("nbf"), now() + 31)), unauthorized);
    QJsonObject future = claims();
    future[QStringLiteral("iat")] = now() + 31;
    future[QStringLiteral("exp")] = now() + 931;
    row("iat in the future", signedWith(future), unauthorized);
    row("lifetime above 24 h", signedWith(claimsWith(QStringLiteral("exp"), now() + 86401)),
        unauthorized);
    QJsonObject longAgo = claims();
    longAgo[QStringLiteral("iat")] = now() - 200000;
    longAgo[QStringLiteral("nbf")] = now() - 200000;
    row("lifetime above 24 h, issued long ago", signedWith(longAgo), unauthorized);
    row("exp equals iat", signedWith(claimsWith(QStringLiteral("exp"), now())), unauthorized);
    row("exp before nbf", signedWith(claimsWith(QStringLiteral("nbf"), now() + 1000)),
        unauthorized);

    // Garbage.
    row("empty", QByteArray(), unauthorized);
    row("dots only", QByteArray(".."), unauthorized);
    row("three dots", QByteArray("..."), unauthorized);
    row("words", QByteArray("not a token"), unauthorized);
    row("a.b.c", QByteArray("a.b.c"), unauthorized);
    row("e30.e30.e30", QByteArray("e30.e30.e30"), unauthorized);
    row("binary", QByteArray("\x00\x01\xff.\x80.\x7f", 7), unauthorized);
    row("an API key", QByteArray("cr_" + QByteArray(43, 'A')), unauthorized);
    row("too long", headerB64 + '.' + QByteArray(5000, 'A') + '.' + sigB64, unauthorized);
}

void tst_Jwt::attacks()
{
    QFETCH(QByteArray, token);
    QFETCH(int, code);
    const Result<VerifiedToken> r = m_codec->verify(token);
    QVERIFY2(!r.ok(), "the token was accepted");
    QCOMPARE(int(r.error().code), code);
    QVERIFY(!r.error().message.isEmpty());
    // The message never echoes the token or any part of it.
    const QString message = r.error().message;
    for (const QByteArray &part : token.split('.')) {
        if (part.size() >= 12)
            QVERIFY2(!message.contains(QString::fromLatin1(part.left(12))), qPrintable(message));
    }
    QVERIFY(!message.contains(m_key.kid()));
}

void tst_Jwt::clockEdges()
{
    // Leeway 30 s: exp + 29.999 s verifies, exp + 30 s is expired.
    const auto issued =
        m_codec->issue({QStringLiteral("u"), Role::Viewer, QStringLiteral("s"), {}, 60});
    const QByteArray token = issued.value().token;
    ManualClock &clock = m_clock;
    const qint64 start = clock.wallMs();
    const qint64 expMs = issued.value().exp * 1000;
    clock.advance(expMs + 29999 - start);
    QVERIFY(m_codec->verify(token).ok());
    clock.advance(1);
    QCOMPARE(m_codec->verify(token).error().code, ErrorCode::TokenExpired);
    QCOMPARE(m_codec->verify(token).error().message, QStringLiteral("token expired"));

    // nbf and iat up to 30 s ahead are tolerated (clock skew between servers).
    QJsonObject ahead = claims();
    ahead[QStringLiteral("iat")] = now() + 30;
    ahead[QStringLiteral("nbf")] = now() + 30;
    ahead[QStringLiteral("exp")] = now() + 900;
    QVERIFY(m_codec->verify(signedWith(ahead)).ok());

    // Exactly 24 h is allowed.
    QVERIFY(m_codec->verify(signedWith(claimsWith(QStringLiteral("exp"), now() + 86400))).ok());

    // Extra claims are ignored.
    QVERIFY(
        m_codec->verify(signedWith(claimsWith(QStringLiteral("scope"), QStringLiteral("x")))).ok());
}

void tst_Jwt::leewayIsCappedAt30Seconds()
{
    const JwtCodec lax(m_keys, m_clock, {kIssuer, kAudience, 3600, 0});
    QCOMPARE(lax.options().leewaySeconds, 30);
    QCOMPARE(lax.options().lifetimeSeconds, qint64(1));
    QJsonObject expired = claims();
    expired[QStringLiteral("iat")] = now() - 1000;
    expired[QStringLiteral("nbf")] = now() - 1000;
    expired[QStringLiteral("exp")] = now() - 31;
    QCOMPARE(lax.verify(signedWith(expired)).error().code, ErrorCode::TokenExpired);

    const JwtCodec strict(m_keys, m_clock, {kIssuer, kAudience, 0, 100000});
    QCOMPARE(strict.options().lifetimeSeconds, JwtCodec::kMaxLifetimeSeconds);
    expired[QStringLiteral("exp")] = now();
    QCOMPARE(strict.verify(signedWith(expired)).error().code, ErrorCode::TokenExpired);
    QVERIFY(m_codec->verify(signedWith(expired)).ok()); // within the default 30 s
    QCOMPARE(strict.verify(signedWith(claimsWith(QStringLiteral("nbf"), now() + 1))).error().code,
             ErrorCode::Unauthorized);
}

void tst_Jwt::rotation()
{
    ManualClock clock;
    auto keys = std::make_shared<KeySet>(clock, 60 * 1000); // keep previous keys 60 s
    const SigningKey first = keys->rotate();
    const JwtCodec codec(keys, clock, {kIssuer, kAudience});
    const QByteArray oldToken =
        codec.issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 0}).value().token;

    clock.advance(1000);
    const SigningKey second = keys->rotate();
    const auto fresh = codec.issue({QStringLiteral("u"), Role::Admin, QStringLiteral("s"), {}, 0});
    QCOMPARE(fresh.value().kid, second.kid());
    QVERIFY(codec.verify(fresh.value().token).ok());
    const Result<VerifiedToken> old = codec.verify(oldToken);
    QVERIFY(old.ok());
    QCOMPARE(old.value().kid, first.kid());

    const QJsonArray listed = keys->jwks().value(QLatin1String("keys")).toArray();
    QCOMPARE(listed.size(), 2);
    QCOMPARE(listed[0].toObject().value(QLatin1String("kid")).toString(), second.kid());
    QCOMPARE(listed[1].toObject().value(QLatin1String("kid")).toString(), first.kid());

    // Past the retention the old key is gone: its token (not yet expired) no longer verifies.
    clock.advance(60 * 1000);
    const Result<VerifiedToken> dropped = codec.verify(oldToken);
    QVERIFY(!dropped.ok());
    QCOMPARE(dropped.error().code, ErrorCode::Unauthorized);
    QVERIFY(codec.verify(fresh.value().token).ok());
    QCOMPARE(keys->jwks().value(QLatin1String("keys")).toArray().size(), 1);
}

QTEST_APPLESS_MAIN(tst_Jwt)
#include "tst_jwt.moc"
