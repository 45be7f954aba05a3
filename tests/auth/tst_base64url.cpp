// Base64Url: RFC 4648 vectors, strict decoding (no padding, no foreign characters, no lone
// character, canonical trailing bits) and an exhaustive check that every accepted text is the
// one encode() produces for its bytes.

#include "auth/Base64Url.h"

#include <QRandomGenerator>
#include <QTest>

using namespace cr;

class tst_Base64Url : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void vectors_data();
    void vectors();
    void refused_data();
    void refused();
    void roundTripRandom();
    void exhaustiveShortTexts();
};

void tst_Base64Url::vectors_data()
{
    QTest::addColumn<QByteArray>("bytes");
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("empty") << QByteArray() << QByteArray();
    QTest::newRow("f") << QByteArray("f") << QByteArray("Zg");
    QTest::newRow("fo") << QByteArray("fo") << QByteArray("Zm8");
    QTest::newRow("foo") << QByteArray("foo") << QByteArray("Zm9v");
    QTest::newRow("foob") << QByteArray("foob") << QByteArray("Zm9vYg");
    QTest::newRow("fooba") << QByteArray("fooba") << QByteArray("Zm9vYmE");
    QTest::newRow("foobar") << QByteArray("foobar") << QByteArray("Zm9vYmFy");
    QTest::newRow("url alphabet") << QByteArray("\xfb\xff\xbf", 3) << QByteArray("-_-_");
    QTest::newRow("zero bytes") << QByteArray(4, '\0') << QByteArray("AAAAAA");
    QTest::newRow("all ones") << QByteArray(2, '\xff') << QByteArray("__8");
}

void tst_Base64Url::vectors()
{
    QFETCH(QByteArray, bytes);
    QFETCH(QByteArray, text);
    QCOMPARE(Base64Url::encode(bytes), text);
    const std::optional<QByteArray> decoded = Base64Url::decode(text);
    QVERIFY(decoded.has_value());
    QCOMPARE(*decoded, bytes);
    QVERIFY(Base64Url::isCanonical(text));
}

void tst_Base64Url::refused_data()
{
    QTest::addColumn<QByteArray>("text");
    QTest::newRow("padding 2") << QByteArray("Zg==");
    QTest::newRow("padding 1") << QByteArray("Zm8=");
    QTest::newRow("padding alone") << QByteArray("=");
    QTest::newRow("padding inside") << QByteArray("Zg==Zg");
    QTest::newRow("lone char") << QByteArray("Z");
    QTest::newRow("lone char after group") << QByteArray("Zm9vY");
    QTest::newRow("non-canonical 2 chars") << QByteArray("Zh");  // 'h' has low bits set
    QTest::newRow("non-canonical 3 chars") << QByteArray("Zm9"); // '9' has low bits set
    QTest::newRow("non-canonical 2 chars B") << QByteArray("AB");
    QTest::newRow("non-canonical last of 6") << QByteArray("Zm9vYh");
    QTest::newRow("plus") << QByteArray("Zm+v");
    QTest::newRow("slash") << QByteArray("Zm/v");
    QTest::newRow("space") << QByteArray("Zm 9v");
    QTest::newRow("leading space") << QByteArray(" Zm9v");
    QTest::newRow("newline") << QByteArray("Zm9v\n");
    QTest::newRow("crlf inside") << QByteArray("Zm\r\n9v");
    QTest::newRow("tab") << QByteArray("Zm9v\t");
    QTest::newRow("nul") << QByteArray("Zm\0v", 4);
    QTest::newRow("dot") << QByteArray("Zm.v");
    QTest::newRow("latin1") << QByteArray("Zm\xe9v");
    QTest::newRow("utf8") << QByteArray("Zm\xc3\xa9");
    QTest::newRow("high byte") << QByteArray("\xff\xff\xff\xff");
}

void tst_Base64Url::refused()
{
    QFETCH(QByteArray, text);
    QVERIFY(!Base64Url::decode(text).has_value());
    QVERIFY(!Base64Url::isCanonical(text));
}

void tst_Base64Url::roundTripRandom()
{
    QRandomGenerator rng(42);
    for (int len = 0; len <= 200; ++len) {
        QByteArray bytes(len, Qt::Uninitialized);
        for (char &c : bytes)
            c = char(rng.bounded(256));
        const QByteArray text = Base64Url::encode(bytes);
        QCOMPARE(text.size(), (len * 4 + 2) / 3);
        QVERIFY(!text.contains('='));
        const std::optional<QByteArray> back = Base64Url::decode(text);
        QVERIFY(back.has_value());
        QCOMPARE(*back, bytes);
    }
}

void tst_Base64Url::exhaustiveShortTexts()
{
    // Every text of 1 to 3 characters over the alphabet (and a few outsiders): accepted exactly
    // when re-encoding its bytes gives the same text back, i.e. there is one spelling per value.
    const QByteArray alphabet =
        "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_+/=.";
    int accepted = 0;
    for (char a : alphabet) {
        QByteArray one(1, a);
        QVERIFY(!Base64Url::decode(one).has_value());
        for (char b : alphabet) {
            const QByteArray two = one + b;
            const std::optional<QByteArray> d2 = Base64Url::decode(two);
            if (d2) {
                ++accepted;
                QCOMPARE(Base64Url::encode(*d2), two);
            }
            for (char c : alphabet) {
                const QByteArray three = two + c;
                const std::optional<QByteArray> d3 = Base64Url::decode(three);
                if (d3) {
                    ++accepted;
                    QCOMPARE(Base64Url::encode(*d3), three);
                }
            }
        }
    }
    // One spelling per value: 256 one-byte and 65536 two-byte values.
    QCOMPARE(accepted, 256 + 65536);
}

QTEST_APPLESS_MAIN(tst_Base64Url)
#include "tst_base64url.moc"
