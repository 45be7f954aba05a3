// Input handling over real sockets: each class of malformed JSON body, names with markup,
// shell metacharacters and control characters (refused, never echoed), Origin on
// state-changing requests and WebSocket upgrades, and error hygiene (probe paths are plain
// 404s; no error says what the server is built with).
#include "IdentityTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QtTest>

using idtest::Account;
using idtest::Client;
using idtest::kPassword;

class TstInputValidation : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    std::optional<RawClient::Response> post(const QByteArray &path, const QByteArray &json,
                                            const QByteArray &extra = QByteArray())
    {
        RawClient c(m_server->port());
        c.send("POST " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extra +
               "Content-Type: application/json\r\nContent-Length: " +
               QByteArray::number(json.size()) + "\r\n\r\n" + json);
        return c.read();
    }

    static QString code(const RawClient::Response &r)
    {
        return r.json().value(u"error").toObject().value(u"code").toString();
    }

private Q_SLOTS:
    void initTestCase()
    {
        cr::Settings s = idtest::settings();
        s.jsonMaxDepth = 8;
        s.jsonMaxKeys = 50;
        s.jsonMaxStringBytes = 2048;
        s.corsOrigins = {QStringLiteral("https://app.example.com")};
        m_server = std::make_unique<TestServer>(s);
        QVERIFY(m_server->start());
    }
    void cleanupTestCase() { m_server.reset(); }

    void malformedBodies_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QString>("code");
        QTest::newRow("not json") << QByteArray("{email: nope") << 400 << "INVALID_JSON";
        QTest::newRow("trailing garbage") << QByteArray("{}}") << 400 << "INVALID_JSON";
        QTest::newRow("truncated") << QByteArray("{\"email\":\"a@b.c\"") << 400 << "INVALID_JSON";
        QTest::newRow("single quotes") << QByteArray("{'email':'a@b.c'}") << 400 << "INVALID_JSON";
        QTest::newRow("array") << QByteArray("[1,2]") << 400 << "VALIDATION_ERROR";
        QTest::newRow("scalar") << QByteArray("42") << 400 << "VALIDATION_ERROR";
        QTest::newRow("too deep") << QByteArray("{\"a\":[[[[[[[[1]]]]]]]]}") << 400
                                  << "VALIDATION_ERROR";
        QTest::newRow("too many members")
            << ("[" + QByteArray("1,").repeated(60) + "1]") << 400 << "VALIDATION_ERROR";
        QTest::newRow("string too long")
            << ("{\"email\":\"" + QByteArray(3000, 'a') + "\"}") << 400 << "VALIDATION_ERROR";
        QTest::newRow("wrong types")
            << QByteArray("{\"email\":5,\"password\":[]}") << 400 << "VALIDATION_ERROR";
    }
    void malformedBodies()
    {
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QString, code);
        auto r = post("/api/auth/login", body);
        CR_EXPECT_STATUS(r, status);
        QCOMPARE(TstInputValidation::code(*r), code);
        // No parser internals: no offsets, no Qt error strings.
        const QString message = r->json().value(u"message").toString();
        QVERIFY2(!message.contains(QLatin1String("offset")) &&
                     !message.contains(QLatin1String("Qt")),
                 qPrintable(message));
        if (QTest::currentDataTag() == QByteArray("wrong types")) {
            const QJsonArray fields =
                r->json().value(u"error").toObject().value(u"fields").toArray();
            QCOMPARE(fields.size(), 2);
            QCOMPARE(fields.at(0).toObject().value(u"field").toString(), QStringLiteral("email"));
        }
    }

    void namesAreRefusedNotEchoed_data()
    {
        QTest::addColumn<QString>("name");
        QTest::newRow("markup") << "<script>alert(1)</script>";
        QTest::newRow("img") << "<img src=x onerror=alert(1)>";
        QTest::newRow("shell") << "bob; cat /etc/passwd";
        QTest::newRow("subshell") << "$(reboot)";
        QTest::newRow("control") << "bob\u0007\u001b[31m";
    }
    void namesAreRefusedNotEchoed()
    {
        QFETCH(QString, name);
        const QJsonObject body{
            {QStringLiteral("email"), QStringLiteral("n%1@example.com").arg(qHash(name))},
            {QStringLiteral("password"), kPassword},
            {QStringLiteral("name"), name}};
        auto r = idtest::call(m_server->port(), "POST", "/api/auth/register", &body);
        CR_EXPECT_STATUS(r, 400);
        QCOMPARE(code(*r), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(r->json()
                     .value(u"error")
                     .toObject()
                     .value(u"fields")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"field")
                     .toString(),
                 QStringLiteral("name"));
        QVERIFY(!r->body.contains(name.toUtf8()));
        QVERIFY(!r->body.contains("script"));
        QVERIFY(!r->body.contains("passwd"));
        // The same rule for a profile update.
        Client api(*m_server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        auto u = api.call("PUT", "/api/auth/profile", QJsonObject{{QStringLiteral("name"), name}},
                          a.token);
        CR_EXPECT_STATUS(u, 400);
        QVERIFY(!u->body.contains(name.toUtf8()));
    }

    void ordinaryNamesAreKept()
    {
        Client api(*m_server);
        const Account a = api.makeUser();
        auto u = api.call(
            "PUT", "/api/auth/profile",
            QJsonObject{{QStringLiteral("name"), QStringLiteral("Zoë O'Brien-Łukasz")}}, a.token);
        CR_EXPECT_STATUS(u, 200);
        QCOMPARE(
            u->json().value(u"data").toObject().value(u"user").toObject().value(u"name").toString(),
            QStringLiteral("Zoë O'Brien-Łukasz"));
    }

    void foreignOriginCannotChangeState()
    {
        const QByteArray body = "{\"email\":\"x@example.com\",\"password\":\"whatever\"}";
        auto r = post("/api/auth/login", body, "Origin: https://evil.example\r\n");
        CR_EXPECT_STATUS(r, 403);
        QCOMPARE(code(*r), QStringLiteral("ORIGIN_NOT_ALLOWED"));
        auto ok = post("/api/auth/login", body, "Origin: https://app.example.com\r\n");
        CR_EXPECT_STATUS(ok, 401);
        // Cross-site WebSocket hijacking: the upgrade is refused before the handshake.
        RawClient c(m_server->port());
        c.send(
            "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n"
            "Origin: https://evil.example\r\n\r\n");
        auto ws = c.read();
        CR_EXPECT_STATUS(ws, 403);
    }

    void probePathsArePlain404s_data()
    {
        QTest::addColumn<QByteArray>("path");
        for (const char *p :
             {"/.env", "/.git/config", "/package.json", "/config.json", "/server-status",
              "/server-info", "/swagger.json", "/api-docs", "/api/../.env", "/%2e%2e/etc/passwd"})
            QTest::newRow(p) << QByteArray(p);
    }
    void probePathsArePlain404s()
    {
        QFETCH(QByteArray, path);
        auto r = RawClient::get(m_server->port(), path);
        QVERIFY(r);
        QVERIFY2(r->status == 404 || r->status == 400, qPrintable(QString::number(r->status)));
        QVERIFY(!r->body.contains(path.mid(1)) || path.size() < 3);
    }

    void errorsSayNothingAboutTheServer()
    {
        const QList<QByteArray> requests = {
            "GET /nope HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "DELETE /health HTTP/1.1\r\nHost: localhost\r\n\r\n",
            "GET /health HTTP/1.1\r\nHost: evil.example\r\n\r\n",
            "POST /api/auth/login HTTP/1.1\r\nHost: localhost\r\nContent-Type: text/plain\r\n"
            "Content-Length: 2\r\n\r\nhi",
            "GET /api/auth/profile HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer "
            "x.y.z\r\n\r\n",
            "GET / HTTP/1.1\r\nHost: localhost\r\nTransfer-Encoding: gzip\r\n\r\n",
        };
        for (const QByteArray &req : requests) {
            RawClient c(m_server->port());
            c.send(req);
            auto r = c.read();
            QVERIFY(r);
            QVERIFY(r->status >= 400);
            QVERIFY(!r->headers.contains("server"));
            QVERIFY(!r->headers.contains("x-powered-by"));
            const QByteArray lower = r->body.toLower();
            for (const char *leak : {"qt", "http_parser", "sqlite", "postgres", "exception",
                                     "stack", ".cpp", "/usr/", "/work/", "sodium", "select "})
                QVERIFY2(!lower.contains(leak),
                         qPrintable(QString::fromUtf8(req.left(30) + " → " + r->body)));
        }
    }
};

QTEST_GUILESS_MAIN(TstInputValidation)
#include "tst_input_validation.moc"
