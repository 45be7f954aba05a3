// MasterKey: XChaCha20-Poly1305 wrapping round trips; the format (version, random nonce, tag);
// every alteration (version, nonce, ciphertext, tag, length, associated data) and another key
// refused with one and the same message; key ids (domain-separated BLAKE2b, 16 hex characters).

#include "core/KeyWrapper.h"
#include "secrets/MasterKey.h"

#include <QTest>

#include <sodium.h>

using namespace cr;

namespace {

QByteArray fixedKey(char fill)
{
    return QByteArray(MasterKey::kKeyBytes, fill);
}

MasterKey keyFrom(char fill)
{
    Result<MasterKey> key = MasterKey::fromBytes(fixedKey(fill));
    Q_ASSERT(key.ok());
    return key.value();
}

} // namespace

class tst_MasterKey : public QObject
{
    Q_OBJECT

private:
    QString m_refusal;

private Q_SLOTS:
    void initTestCase()
    {
        const MasterKey key = MasterKey::generate();
        const Result<QByteArray> r = key.unwrap(QByteArray(64, 'x'), {});
        QVERIFY(!r.ok());
        m_refusal = r.error().message;
        QVERIFY(!m_refusal.isEmpty());
    }

    void roundTrip_data()
    {
        QTest::addColumn<QByteArray>("plaintext");
        QTest::addColumn<QByteArray>("ad");
        QTest::newRow("empty") << QByteArray() << QByteArray("purpose");
        QTest::newRow("one byte") << QByteArray("x") << QByteArray();
        QTest::newRow("signing key") << QByteArray(64, '\x5a') << QByteArray("jwt-signing-key:k1");
        QTest::newRow("binary") << QByteArray("\0\1\2\xff", 4) << QByteArray("\0ad", 3);
        QTest::newRow("large") << QByteArray(1 << 20, 'q') << QByteArray("bulk");
    }
    void roundTrip()
    {
        QFETCH(QByteArray, plaintext);
        QFETCH(QByteArray, ad);
        const MasterKey key = MasterKey::generate();
        const KeyWrapper &wrapper = key; // used through the interface, as the engine does
        const Result<QByteArray> wrapped = wrapper.wrap(plaintext, ad);
        QVERIFY(wrapped.ok());
        QCOMPARE(wrapped.value().size(), 1 + 24 + plaintext.size() + 16);
        QCOMPARE(wrapped.value().at(0), MasterKey::kFormatVersion);
        if (plaintext.size() >= 8)
            QVERIFY(!wrapped.value().contains(plaintext.left(8)));
        const Result<QByteArray> plain = wrapper.unwrap(wrapped.value(), ad);
        QVERIFY2(plain.ok(), qPrintable(plain.ok() ? QString() : plain.error().message));
        QCOMPARE(plain.value(), plaintext);
    }

    void nonceIsRandom()
    {
        const MasterKey key = MasterKey::generate();
        const QByteArray a = key.wrap("same", "ad").value();
        const QByteArray b = key.wrap("same", "ad").value();
        QVERIFY(a != b);
        QVERIFY(a.mid(1, 24) != b.mid(1, 24));
        QCOMPARE(key.unwrap(a, "ad").value(), QByteArray("same"));
        QCOMPARE(key.unwrap(b, "ad").value(), QByteArray("same"));
    }

    void tamperedRefused_data()
    {
        QTest::addColumn<int>("offset"); // the byte flipped; -1: none
        QTest::addColumn<int>("truncate");
        QTest::addColumn<QByteArray>("ad");
        const QByteArray ad("signing-key:1");
        // Layout of a 10-byte plaintext: [0] version, [1..24] nonce, [25..34] ciphertext,
        // [35..50] tag.
        QTest::newRow("version") << 0 << 0 << ad;
        QTest::newRow("nonce first") << 1 << 0 << ad;
        QTest::newRow("nonce last") << 24 << 0 << ad;
        QTest::newRow("ciphertext") << 30 << 0 << ad;
        QTest::newRow("tag") << 40 << 0 << ad;
        QTest::newRow("tag last") << 50 << 0 << ad;
        QTest::newRow("truncated tag") << -1 << 1 << ad;
        QTest::newRow("header only") << -1 << 26 << ad;
        QTest::newRow("other ad") << -1 << 0 << QByteArray("signing-key:2");
        QTest::newRow("empty ad") << -1 << 0 << QByteArray();
        QTest::newRow("longer ad") << -1 << 0 << QByteArray("signing-key:1\0", 14);
    }
    void tamperedRefused()
    {
        QFETCH(int, offset);
        QFETCH(int, truncate);
        QFETCH(QByteArray, ad);
        const MasterKey key = MasterKey::generate();
        QByteArray wrapped = key.wrap("0123456789", "signing-key:1").value();
        QCOMPARE(wrapped.size(), 51);
        if (offset >= 0)
            wrapped[offset] = char(wrapped.at(offset) ^ 0x01);
        wrapped.chop(truncate);
        const Result<QByteArray> r = key.unwrap(wrapped, ad);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::Internal);
        QCOMPARE(r.error().message, m_refusal); // the same words whatever did not match
    }

    void garbageRefused()
    {
        const MasterKey key = MasterKey::generate();
        for (const QByteArray &bad : {QByteArray(), QByteArray(1, '\x01'), QByteArray(40, '\x01'),
                                      QByteArray(100, '\x02')}) {
            const Result<QByteArray> r = key.unwrap(bad, {});
            QVERIFY(!r.ok());
            QCOMPARE(r.error().message, m_refusal);
        }
    }

    void differentKeyRefused()
    {
        const MasterKey a = MasterKey::generate();
        const MasterKey b = MasterKey::generate();
        QVERIFY(a.keyId() != b.keyId());
        const QByteArray wrapped = a.wrap("secret", "ad").value();
        const Result<QByteArray> r = b.unwrap(wrapped, "ad");
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, m_refusal);
        QVERIFY(!r.error().message.contains(a.keyId()));
        QVERIFY(!r.error().message.contains(b.keyId()));
    }

    void sameBytesSameKey()
    {
        const MasterKey a = keyFrom('k');
        const MasterKey b = keyFrom('k');
        QCOMPARE(a.keyId(), b.keyId());
        QCOMPARE(b.unwrap(a.wrap("shared", "ad").value(), "ad").value(), QByteArray("shared"));
        QCOMPARE(a.bytes().toByteArray(), fixedKey('k'));
        const MasterKey copy = a; // copies share the key
        QCOMPARE(copy.keyId(), a.keyId());
        QCOMPARE(copy.unwrap(a.wrap("x", "").value(), "").value(), QByteArray("x"));
    }

    void keyId()
    {
        const MasterKey key = keyFrom('a');
        const QString id = key.keyId();
        QCOMPARE(id.size(), 16);
        for (const QChar c : id)
            QVERIFY2((c >= u'0' && c <= u'9') || (c >= u'a' && c <= u'f'), qPrintable(id));
        QCOMPARE(MasterKey::idOf(fixedKey('a')), id);
        QVERIFY(MasterKey::idOf(fixedKey('b')) != id);

        // Domain-separated: not simply the first bytes of BLAKE2b(key).
        unsigned char plain[crypto_generichash_BYTES];
        const QByteArray raw = fixedKey('a');
        crypto_generichash(plain, sizeof plain, reinterpret_cast<const unsigned char *>(raw.data()),
                           quint64(raw.size()), nullptr, 0);
        const QString undomained =
            QString::fromLatin1(QByteArray(reinterpret_cast<const char *>(plain), 8).toHex());
        QVERIFY(undomained != id);

        // Stable across releases (it is recorded in databases): a known answer, computed
        // independently as blake2b(b"coderunner/master-key-id/v1" + b"a" * 32, 32 bytes).
        QCOMPARE(id, QStringLiteral("d858ef9f78bd73e6"));
    }

    void wrongSizeRefused()
    {
        for (const int size : {0, 16, 31, 33, 64}) {
            const Result<MasterKey> r = MasterKey::fromBytes(QByteArray(size, 'k'));
            QVERIFY(!r.ok());
            QVERIFY(r.error().message.contains(QString::number(size)));
        }
    }

    void generateIsRandom()
    {
        const MasterKey a = MasterKey::generate();
        const MasterKey b = MasterKey::generate();
        QCOMPARE(a.bytes().size(), MasterKey::kKeyBytes);
        QVERIFY(a.bytes().toByteArray() != b.bytes().toByteArray());
        QVERIFY(a.bytes().toByteArray() != QByteArray(32, '\0'));
    }
};

QTEST_GUILESS_MAIN(tst_MasterKey)
#include "tst_master_key.moc"
