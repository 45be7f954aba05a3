// PasswordPolicy: the table of the identity issue, length in code points after NFKC, the
// common-list and "top password + digits/symbols" rules, the email rule, and the strength
// estimate's ordering. Also the shipped list itself (size, order, format).

#include "auth/CommonPasswords.h"
#include "auth/PasswordPolicy.h"

#include <QFile>
#include <QJsonArray>
#include <QTest>

using namespace cr;

class tst_PasswordPolicy : public QObject
{
    Q_OBJECT

private:
    PasswordPolicy m_policy;

private Q_SLOTS:
    void shippedList();
    void table_data();
    void table();
    void lengthInCodePoints();
    void normalisedBeforeChecks();
    void emailLocalPart();
    void minimumIsConfigurable();
    void strengthOrdering();
    void json();
};

void tst_PasswordPolicy::shippedList()
{
    const CommonPasswords &list = CommonPasswords::instance();
    QVERIFY2(list.size() >= 10000, qPrintable(QString::number(list.size())));
    QCOMPARE(list.rank(QStringLiteral("123456")), 1);
    QCOMPARE(list.rank(QStringLiteral("password")), 2);
    QVERIFY(list.rank(QStringLiteral("abc123")) > 0);
    QVERIFY(list.rank(QStringLiteral("password123")) > 0);
    QCOMPARE(list.rank(QStringLiteral("testpassword123!")), 0);
    QCOMPARE(list.rank(QString()), 0);

    // The resource is the file in resources/passwords: lower-case, one per line, no duplicates.
    QFile file(QStringLiteral(":/auth/common-passwords.txt"));
    QVERIFY(file.open(QIODevice::ReadOnly));
    const QList<QByteArray> lines = file.readAll().split('\n');
    QCOMPARE(lines.last(), QByteArray()); // ends with a newline
    QCOMPARE(lines.size() - 1, list.size());
    for (qsizetype i = 0; i + 1 < lines.size(); ++i) {
        const QByteArray &line = lines[i];
        QVERIFY(!line.isEmpty());
        QVERIFY(!line.contains('\r'));
        QCOMPARE(QString::fromUtf8(line).toLower(), QString::fromUtf8(line));
    }
}

void tst_PasswordPolicy::table_data()
{
    QTest::addColumn<QString>("password");
    QTest::addColumn<QString>("email");
    QTest::addColumn<bool>("valid");
    QTest::addColumn<QString>("reason"); // a word the first error must contain

    const QString none;
    QTest::newRow("123456") << QStringLiteral("123456") << none << false
                            << QStringLiteral("at least");
    QTest::newRow("password") << QStringLiteral("password") << none << false
                              << QStringLiteral("at least");
    QTest::newRow("abc123") << QStringLiteral("abc123") << none << false
                            << QStringLiteral("at least");
    QTest::newRow("12345678") << QStringLiteral("12345678") << none << false
                              << QStringLiteral("at least");
    QTest::newRow("qwerty") << QStringLiteral("qwerty") << none << false
                            << QStringLiteral("at least");
    QTest::newRow("password123") << QStringLiteral("password123") << none << false
                                 << QStringLiteral("at least");
    QTest::newRow("Password123!") << QStringLiteral("Password123!") << none << false
                                  << QStringLiteral("common password followed");
    QTest::newRow("Welcome2024!!") << QStringLiteral("Welcome2024!!") << none << false
                                   << QStringLiteral("common password followed");
    QTest::newRow("PASSWORD123456") << QStringLiteral("PASSWORD123456") << none << false
                                    << QStringLiteral("common password followed");
    QTest::newRow("abc123 + symbols") << QStringLiteral("abc123!!!!!!") << none << false
                                      << QStringLiteral("common password followed");
    QTest::newRow("dragon + digits") << QStringLiteral("Dragon19871987") << none << false
                                     << QStringLiteral("common password followed");
    QTest::newRow("long listed password")
        << QStringLiteral("1qaz2wsx3edc4rfv") << none << false << QStringLiteral("too common");
    QTest::newRow("listed, other case")
        << QStringLiteral("QwerAsdfZxcv") << none << false << QStringLiteral("too common");
    QTest::newRow("johnsmith") << QStringLiteral("my-JohnSmith-key-77")
                               << QStringLiteral("johnsmith@example.com") << false
                               << QStringLiteral("email");
    QTest::newRow("11 characters")
        << QStringLiteral("Tr0ub4dor&3") << none << false << QStringLiteral("at least");

    QTest::newRow("TestPassword123!") << QStringLiteral("TestPassword123!") << none << true << none;
    QTest::newRow("TestPassword123! for test@example.com")
        << QStringLiteral("TestPassword123!") << QStringLiteral("test@example.com") << true << none;
    QTest::newRow("TestPass123!") << QStringLiteral("TestPass123!") << none << true << none;
    QTest::newRow("IntegrationTest123!")
        << QStringLiteral("IntegrationTest123!") << none << true << none;
    QTest::newRow("SecureTestPassword123!@#")
        << QStringLiteral("SecureTestPassword123!@#") << none << true << none;
    QTest::newRow("passphrase with spaces")
        << QStringLiteral("correct horse battery staple") << none << true << none;
    QTest::newRow("all lower, no digits")
        << QStringLiteral("tangerinewalrusoctave") << none << true << none;
    QTest::newRow("top password with letters after")
        << QStringLiteral("password123abc!") << none << true << none;
    QTest::newRow("johnsmith without that email")
        << QStringLiteral("my-JohnSmith-key-77") << QStringLiteral("jane@example.com") << true
        << none;
}

void tst_PasswordPolicy::table()
{
    QFETCH(QString, password);
    QFETCH(QString, email);
    QFETCH(bool, valid);
    QFETCH(QString, reason);
    const PasswordPolicy::Check c = m_policy.check(password, email);
    QVERIFY2(c.isValid == valid, qPrintable(c.errors.join(QStringLiteral("; "))));
    QCOMPARE(c.errors.isEmpty(), valid);
    QVERIFY(c.strength >= 0 && c.strength <= 4);
    if (!valid) {
        QVERIFY2(c.errors.join(u' ').contains(reason, Qt::CaseInsensitive),
                 qPrintable(c.errors.join(QStringLiteral("; "))));
        QVERIFY(c.strength <= 1);
        // The reasons never repeat the password.
        if (password.size() >= 10)
            QVERIFY(!c.errors.join(u' ').contains(password, Qt::CaseInsensitive));
    }
}

void tst_PasswordPolicy::lengthInCodePoints()
{
    // 12 emoji: 24 UTF-16 units, 48 UTF-8 bytes, 12 characters.
    QString emoji;
    for (char32_t cp = 0x1F600; cp < 0x1F600 + 12; ++cp)
        emoji += QString::fromUcs4(&cp, 1);
    QCOMPARE(emoji.size(), 24);
    QVERIFY(m_policy.check(emoji).isValid);
    QVERIFY(!m_policy.check(emoji.left(22)).isValid); // 11 emoji

    const QString max = QString(64, u'q') + QString(64, u'z');
    QVERIFY(m_policy.check(max).errors.join(u' ').indexOf(QLatin1String("at most")) < 0);
    const PasswordPolicy::Check tooLong = m_policy.check(max + u'x');
    QVERIFY(!tooLong.isValid);
    QVERIFY(tooLong.errors.join(u' ').contains(QLatin1String("at most 128")));
    QVERIFY(!m_policy.check(QString()).isValid);
}

void tst_PasswordPolicy::normalisedBeforeChecks()
{
    // "é" as e + combining acute is one character after NFKC: 11 of them are too short.
    const QString decomposed = QString(11, u'e').replace(u'e', QStringLiteral("e\u0301"));
    QCOMPARE(decomposed.size(), 22);
    QVERIFY(!m_policy.check(decomposed).isValid);
    // Full-width "ｐａｓｓｗｏｒｄ１２３！" is Password123! after NFKC.
    const QString fullWidth = QStringLiteral("\uFF30\uFF41\uFF53\uFF53\uFF57\uFF4F\uFF52\uFF44"
                                             "\uFF11\uFF12\uFF13\uFF01");
    const PasswordPolicy::Check c = m_policy.check(fullWidth);
    QVERIFY(!c.isValid);
    QVERIFY(c.errors.join(u' ').contains(QLatin1String("common password followed")));
}

void tst_PasswordPolicy::emailLocalPart()
{
    const QString email = QStringLiteral("johnsmith@example.com");
    QVERIFY(!m_policy.check(QStringLiteral("xxJOHNSMITHxx99"), email).isValid);
    QVERIFY(!m_policy.check(QStringLiteral("johnsmith-2024-!"), email).isValid);
    QVERIFY(m_policy.check(QStringLiteral("john-smith-2024-!"), email).isValid);
    // Shorter than 5 characters: not checked (test@example.com and TestPassword123!).
    QVERIFY(
        m_policy.check(QStringLiteral("TestPassword123!"), QStringLiteral("test@x.org")).isValid);
    QVERIFY(
        m_policy.check(QStringLiteral("TestPassword123!"), QStringLiteral("alice@x.org")).isValid);
    QVERIFY(
        !m_policy.check(QStringLiteral("TestPassword123!"), QStringLiteral("testp@x.org")).isValid);
    // The local part is what precedes the last '@'; an email without '@' counts whole.
    QVERIFY(
        !m_policy.check(QStringLiteral("my a@bexample phrase"), QStringLiteral("a@bexample@x.org"))
             .isValid);
    QVERIFY(
        !m_policy.check(QStringLiteral("zz-johnsmith-zz"), QStringLiteral("johnsmith")).isValid);
}

void tst_PasswordPolicy::minimumIsConfigurable()
{
    const PasswordPolicy eight(8);
    QCOMPARE(eight.minLength(), 8);
    QVERIFY(eight.check(QStringLiteral("Tr0ub4dor&3")).isValid);
    QVERIFY(!eight.check(QStringLiteral("password")).isValid); // listed
    QCOMPARE(PasswordPolicy(2).minLength(), 8);                // never below 8 (NIST)
    QCOMPARE(PasswordPolicy(500).minLength(), 64);
    const PasswordPolicy sixteen(16);
    QVERIFY(!sixteen.check(QStringLiteral("TestPassword123")).isValid);
    QVERIFY(sixteen.check(QStringLiteral("TestPassword123!")).isValid);
}

void tst_PasswordPolicy::strengthOrdering()
{
    auto s = [this](const char *pw) {
        return m_policy.check(QString::fromLatin1(pw)).strength;
    };
    QCOMPARE(s("password"), 0);
    QCOMPARE(s("123456789012"), 0);
    QCOMPARE(s("Password123!"), 0);
    QVERIFY(s("aaaaaaaaaaaa") <= 1);
    QVERIFY(s("abcdefghijklmnop") <= 1);
    QVERIFY(s("TestPassword123!") >= 1);
    QVERIFY(s("TestPassword123!") <= s("xK9#mQ2$vL7@pR4&"));
    QCOMPARE(s("xK9#mQ2$vL7@pR4&"), 4);
    QCOMPARE(s("q8Z!f3@Lp0#Wd6$Rt1"), 4);
    QVERIFY(s("correct horse battery staple") >= 2);
    for (const char *pw : {"TestPassword123!", "TestPass123!", "IntegrationTest123!",
                           "SecureTestPassword123!@#", "correct horse battery staple"})
        qInfo("strength %d: %s", s(pw), pw);
}

void tst_PasswordPolicy::json()
{
    const QJsonObject bad = m_policy.check(QStringLiteral("password")).toJson();
    QCOMPARE(bad.value(QLatin1String("isValid")).toBool(true), false);
    QVERIFY(bad.value(QLatin1String("errors")).toArray().size() >= 1);
    QCOMPARE(bad.value(QLatin1String("strength")).toInt(-1), 0);
    const QJsonObject good = m_policy.check(QStringLiteral("SecureTestPassword123!@#")).toJson();
    QCOMPARE(good.value(QLatin1String("isValid")).toBool(false), true);
    QCOMPARE(good.value(QLatin1String("errors")).toArray().size(), 0);
    QCOMPARE(good.size(), 3);
}

QTEST_APPLESS_MAIN(tst_PasswordPolicy)
#include "tst_password_policy.moc"
