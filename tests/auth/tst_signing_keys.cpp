// SigningKey and KeySet: RFC 8037 test vectors (kid thumbprint, deterministic signature),
// serialisation to bytes and back, rotation with retention, revoke, restore and the JWKS.

#include "auth/Base64Url.h"
#include "auth/KeySet.h"
#include "auth/SigningKey.h"
#include "core/Clock.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using namespace cr;

namespace {

QByteArray fromB64(const char *text)
{
    return Base64Url::decode(QByteArray(text)).value_or(QByteArray());
}

// RFC 8037 Appendix A.1–A.4.
const char kRfcSeed[] = "nWGxne_9WmC6hEr0kuwsxERJxWl7MmkZcDusAxyuf2A";
const char kRfcX[] = "11qYAYKxCrfVS_7TyWQHOg7hcvPapiMlrwIaaPcHURo";
const char kRfcThumbprint[] = "kPrK_qmxVWaYVA9wwBF6Iuo3vVzz7TxHCTwXBygrS4k";
const char kRfcSigningInput[] = "eyJhbGciOiJFZERTQSJ9.RXhhbXBsZSBvZiBFZDI1NTE5IHNpZ25pbmc";
const char kRfcSignature[] =
    "hgyY0il_MGCjP0JzlnLWG1PPOt7-09PGcvMg3AIbQR6dWbhijcNR4ki4iylGjg5BhVsPt9g7sVvpAr_MuM0KAg";

QStringList kidsOf(const QJsonObject &jwks)
{
    QStringList out;
    const QJsonArray keys = jwks.value(QLatin1String("keys")).toArray();
    for (const QJsonValue &k : keys)
        out << k.toObject().value(QLatin1String("kid")).toString();
    return out;
}

} // namespace

class tst_SigningKeys : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void rfc8037Vectors();
    void generatedKeysDiffer();
    void signAndVerify();
    void nullKey();
    void serialisationRoundTrip();
    void serialisationRefusesDamage();
    void publicJwkHasNoSecret();
    void rotationKeepsPreviousUntilRetention();
    void revokeDropsAtOnce();
    void restoreFromStorage();
};

void tst_SigningKeys::rfc8037Vectors()
{
    const std::optional<SigningKey> key = SigningKey::fromSeed(fromB64(kRfcSeed), 1000);
    QVERIFY(key.has_value());
    QCOMPARE(Base64Url::encode(key->publicKey()), QByteArray(kRfcX));
    QCOMPARE(key->kid(), QString::fromLatin1(kRfcThumbprint));
    QCOMPARE(SigningKey::thumbprint(fromB64(kRfcX)), QString::fromLatin1(kRfcThumbprint));
    const QByteArray sig = key->sign(QByteArray(kRfcSigningInput));
    QCOMPARE(Base64Url::encode(sig), QByteArray(kRfcSignature));
    QVERIFY(key->verify(QByteArray(kRfcSigningInput), fromB64(kRfcSignature)));
    QCOMPARE(key->createdAtMs(), qint64(1000));
    QVERIFY(!key->isRetired());
}

void tst_SigningKeys::generatedKeysDiffer()
{
    const SigningKey a = SigningKey::generate(1);
    const SigningKey b = SigningKey::generate(1);
    QVERIFY(!a.isNull());
    QCOMPARE(a.publicKey().size(), SigningKey::kPublicKeyBytes);
    QVERIFY(a.publicKey() != b.publicKey());
    QVERIFY(a.kid() != b.kid());
    QCOMPARE(a.kid().size(), 43); // 32 bytes of SHA-256, base64url
    QVERIFY(!SigningKey::fromSeed(QByteArray(31, 'x'), 0).has_value());
    QVERIFY(SigningKey::thumbprint(QByteArray(31, 'x')).isEmpty());
}

void tst_SigningKeys::signAndVerify()
{
    const SigningKey a = SigningKey::generate(1);
    const SigningKey b = SigningKey::generate(1);
    const QByteArray msg("message");
    const QByteArray sig = a.sign(msg);
    QCOMPARE(sig.size(), SigningKey::kSignatureBytes);
    QVERIFY(a.verify(msg, sig));
    QVERIFY(!a.verify(QByteArray("messagf"), sig));
    QVERIFY(!b.verify(msg, sig));
    QByteArray flipped = sig;
    flipped[10] = char(flipped[10] ^ 1);
    QVERIFY(!a.verify(msg, flipped));
    QVERIFY(!a.verify(msg, sig.left(63)));
    QVERIFY(!a.verify(msg, QByteArray(sig + '\0')));
    // A copy shares the secret and signs identically (Ed25519 is deterministic).
    const SigningKey copy = a;
    QCOMPARE(copy.sign(msg), sig);
    const SigningKey retired = a.retired(5000);
    QVERIFY(retired.isRetired());
    QCOMPARE(retired.retiredAtMs(), qint64(5000));
    QVERIFY(!a.isRetired());
    QVERIFY(retired.verify(msg, sig));
}

void tst_SigningKeys::nullKey()
{
    const SigningKey none;
    QVERIFY(none.isNull());
    QVERIFY(none.sign("x").isEmpty());
    QVERIFY(!none.verify("x", QByteArray(64, '\0')));
    QVERIFY(none.toBytes().isEmpty());
}

void tst_SigningKeys::serialisationRoundTrip()
{
    const SigningKey key = SigningKey::generate(1767225600123).retired(1767225700456);
    const SecretBytes bytes = key.toBytes();
    QCOMPARE(bytes.size(), qsizetype(84));
    QVERIFY(bytes.view().startsWith("CRK1"));
    const std::optional<SigningKey> back = SigningKey::fromBytes(bytes.view());
    QVERIFY(back.has_value());
    QCOMPARE(back->kid(), key.kid());
    QCOMPARE(back->publicKey(), key.publicKey());
    QCOMPARE(back->createdAtMs(), key.createdAtMs());
    QCOMPARE(back->retiredAtMs(), key.retiredAtMs());
    QCOMPARE(back->sign("abc"), key.sign("abc"));
}

void tst_SigningKeys::serialisationRefusesDamage()
{
    const SigningKey key = SigningKey::generate(1000);
    const QByteArray good = key.toBytes().view().toByteArray();
    QVERIFY(SigningKey::fromBytes(good).has_value());
    QVERIFY(!SigningKey::fromBytes(QByteArray()).has_value());
    QVERIFY(!SigningKey::fromBytes(good.left(83)).has_value());
    QVERIFY(!SigningKey::fromBytes(QByteArray(good + 'x')).has_value());
    QByteArray magic = good;
    magic[3] = '2';
    QVERIFY(!SigningKey::fromBytes(magic).has_value());
    QByteArray seed = good;
    seed[20] = char(seed[20] ^ 0x40); // seed no longer matches the stored public key
    QVERIFY(!SigningKey::fromBytes(seed).has_value());
    QByteArray pk = good;
    pk[83] = char(pk[83] ^ 0x01);
    QVERIFY(!SigningKey::fromBytes(pk).has_value());
    QByteArray negative = good;
    negative[4] = char(0x80); // createdAt < 0
    QVERIFY(!SigningKey::fromBytes(negative).has_value());
}

void tst_SigningKeys::publicJwkHasNoSecret()
{
    const std::optional<SigningKey> key = SigningKey::fromSeed(fromB64(kRfcSeed), 0);
    const QJsonObject jwk = key->publicJwk();
    QCOMPARE(jwk.value(QLatin1String("kty")).toString(), QStringLiteral("OKP"));
    QCOMPARE(jwk.value(QLatin1String("crv")).toString(), QStringLiteral("Ed25519"));
    QCOMPARE(jwk.value(QLatin1String("x")).toString(), QString::fromLatin1(kRfcX));
    QCOMPARE(jwk.value(QLatin1String("kid")).toString(), QString::fromLatin1(kRfcThumbprint));
    QCOMPARE(jwk.value(QLatin1String("alg")).toString(), QStringLiteral("EdDSA"));
    QCOMPARE(jwk.value(QLatin1String("use")).toString(), QStringLiteral("sig"));
    QCOMPARE(jwk.size(), 6);
    QVERIFY(!jwk.contains(QLatin1String("d")));
    const QByteArray text = QJsonDocument(jwk).toJson(QJsonDocument::Compact);
    QVERIFY(!text.contains(QByteArray(kRfcSeed)));
}

void tst_SigningKeys::rotationKeepsPreviousUntilRetention()
{
    ManualClock clock;
    KeySet keys(clock, 60 * 1000);
    QVERIFY(!keys.hasCurrent());
    QVERIFY(keys.current().isNull());
    QVERIFY(kidsOf(keys.jwks()).isEmpty());

    const SigningKey first = keys.rotate();
    QVERIFY(keys.hasCurrent());
    QCOMPARE(keys.current().kid(), first.kid());
    QCOMPARE(kidsOf(keys.jwks()), QStringList{first.kid()});

    clock.advance(10 * 1000);
    const SigningKey second = keys.rotate();
    QCOMPARE(keys.current().kid(), second.kid());
    QCOMPARE(kidsOf(keys.jwks()), (QStringList{second.kid(), first.kid()}));
    QVERIFY(keys.find(first.kid()).has_value());
    QCOMPARE(keys.find(first.kid())->retiredAtMs(), clock.wallMs());
    QVERIFY(keys.find(second.kid()).has_value());
    QVERIFY(!keys.find(QStringLiteral("no-such-kid")).has_value());

    clock.advance(60 * 1000 - 1); // one millisecond before the retention ends
    QVERIFY(keys.find(first.kid()).has_value());
    clock.advance(1);
    QVERIFY(!keys.find(first.kid()).has_value());
    QCOMPARE(kidsOf(keys.jwks()), QStringList{second.kid()});
    QCOMPARE(keys.keys().size(), 1);
    keys.prune();
    QCOMPARE(keys.keys().size(), 1);
    QVERIFY(keys.find(second.kid()).has_value());
}

void tst_SigningKeys::revokeDropsAtOnce()
{
    ManualClock clock;
    KeySet keys(clock);
    const SigningKey first = keys.rotate();
    const SigningKey second = keys.rotate();
    QVERIFY(!keys.revoke(second.kid())); // the current key cannot be revoked
    QVERIFY(keys.revoke(first.kid()));
    QVERIFY(!keys.find(first.kid()).has_value());
    QCOMPARE(kidsOf(keys.jwks()), QStringList{second.kid()});
}

void tst_SigningKeys::restoreFromStorage()
{
    ManualClock clock;
    KeySet original(clock, 3600 * 1000);
    const SigningKey a = original.rotate();
    clock.advance(1000);
    const SigningKey b = original.rotate();
    clock.advance(1000);
    const SigningKey c = original.rotate();

    // What storage would do: serialise every key, read them back later.
    QList<SigningKey> loaded;
    const QList<SigningKey> all = original.keys();
    QCOMPARE(all.size(), 3);
    for (const SigningKey &k : all)
        loaded << *SigningKey::fromBytes(k.toBytes().view());

    KeySet restored(clock, 3600 * 1000);
    restored.restore(loaded.first(), loaded.mid(1));
    QCOMPARE(restored.current().kid(), c.kid());
    QCOMPARE(kidsOf(restored.jwks()), (QStringList{c.kid(), b.kid(), a.kid()}));
    QCOMPARE(restored.find(a.kid())->retiredAtMs(), a.createdAtMs() + 1000);
    QCOMPARE(restored.current().sign("m"), c.sign("m"));

    // Past a's retention (retired one hour + 2 s ago), a is gone after a restore too.
    clock.advance(3600 * 1000 - 1000);
    KeySet later(clock, 3600 * 1000);
    later.restore(loaded.first(), loaded.mid(1));
    QCOMPARE(kidsOf(later.jwks()), (QStringList{c.kid(), b.kid()}));
}

QTEST_APPLESS_MAIN(tst_SigningKeys)
#include "tst_signing_keys.moc"
