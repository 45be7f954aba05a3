// JwtCodec: issue/verify round trip, the issue defaults and limits, the clock rules at their
// edges, the leeway cap, and tokens across a key rotation. The attack table is tst_jwt_attacks.

#include "JwtTestSupport.h"

#include <QJsonArray>
#include <QTest>

using namespace cr;
using namespace jwttest;

class tst_Jwt : public QObject, private JwtFixture
{
    Q_OBJECT

private Q_SLOTS:
    void initTestCase();
    void roundTrip();
    void issueDefaultsAndLimits();
    void clockEdges();
    void leewayIsCappedAt30Seconds();
    void rotation();
};

void tst_Jwt::initTestCase()
{
    setUpCodec();
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
