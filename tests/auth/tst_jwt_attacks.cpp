// JwtCodec's attack table: every row is refused with UNAUTHORIZED (or TOKEN_EXPIRED for an
// expired token), and no message echoes the token, any part of it or the kid.

#include "JwtTestSupport.h"

#include <QJsonArray>
#include <QTest>

using namespace cr;
using namespace jwttest;

class tst_JwtAttacks : public QObject, private JwtFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void attacks_data();
    void attacks();
};

void tst_JwtAttacks::initTestCase()
{
    setUpCodec();
}

void tst_JwtAttacks::attacks_data()
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

void tst_JwtAttacks::attacks()
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

QTEST_APPLESS_MAIN(tst_JwtAttacks)
#include "tst_jwt_attacks.moc"
