// Security headers on every response the server makes, X-Request-Id, CORS / Origin and the Host
// check (DNS rebinding), through a real socket.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QTest>

#include <memory>

using httptest::request;
using httptest::securityProblems;

namespace {

const QByteArray kAllowed = "https://app.example.com";

} // namespace

class TstHttpSecurity : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

    static std::unique_ptr<TestServer> startServer(cr::Settings s)
    {
        s.corsOrigins = {QString::fromLatin1(kAllowed), QStringLiteral("null"),
                         QStringLiteral("http://localhost:5173/")};
        s.publicHosts = {QStringLiteral("coderunner.example.org")};
        auto server = std::make_unique<TestServer>(s);
        server->setExtraRoutes(&httptest::registerRoutes);
        if (!server->start())
            return nullptr;
        return server;
    }

    // Sends bytes on a fresh connection and reads one response (waiting up to timeoutMs).
    std::optional<RawClient::Response> exchange(quint16 port, const QByteArray &bytes,
                                                int timeoutMs = 5000)
    {
        RawClient c(port);
        if (!bytes.isEmpty())
            c.send(bytes);
        return c.read(timeoutMs, bytes.startsWith("HEAD "));
    }

private Q_SLOTS:
    void initTestCase()
    {
        cr::Settings s = TestServer::defaults();
        s.maxUriBytes = 256;
        s.maxHeaderBytes = 1024;
        s.maxHeaderCount = 10;
        s.maxBodyBytes = 1024;
        m_server = startServer(s);
        QVERIFY(m_server);
    }
    void cleanupTestCase() { m_server.reset(); }

    void headersOnEveryStatus_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::addColumn<int>("status");
        const QByteArray json = "Content-Type: application/json\r\n";
        QTest::newRow("200") << request("GET", "/t/seq?n=1") << 200;
        QTest::newRow("200 HEAD") << request("HEAD", "/t/seq?n=1") << 200;
        QTest::newRow("200 POST") << request("POST", "/t/echo", json + "Content-Length: 2\r\n") +
                                         "{}"
                                  << 200;
        QTest::newRow("204 OPTIONS") << request("OPTIONS", "/t/seq") << 204;
        QTest::newRow("400 host")
            << request("GET", "/t/seq", "X: y\r\n").replace("localhost", "evil.com") << 400;
        QTest::newRow("400 parser") << QByteArray("GET / HTTP/1.1\nHost: localhost\n\n") << 400;
        QTest::newRow("400 json") << request("POST", "/t/echo", json + "Content-Length: 1\r\n") +
                                         "{"
                                  << 400;
        QTest::newRow("403 origin")
            << request("POST", "/t/echo",
                       json + "Origin: https://evil.com\r\nContent-Length: 2\r\n") +
                   "{}"
            << 403;
        QTest::newRow("404") << request("GET", "/nope") << 404;
        QTest::newRow("405") << request("PUT", "/t/seq") << 405;
        QTest::newRow("413") << request("POST", "/t/echo", json + "Content-Length: 5000\r\n")
                             << 413;
        QTest::newRow("414") << request("GET", '/' + QByteArray(300, 'u')) << 414;
        QTest::newRow("415") << request("POST", "/t/echo", "Content-Length: 2\r\n") + "{}" << 415;
        QTest::newRow("431") << request("GET", "/", "X: " + QByteArray(2000, 'h') + "\r\n") << 431;
        QTest::newRow("505") << QByteArray("GET / HTTP/1.2\r\nHost: localhost\r\n\r\n") << 505;
    }
    void headersOnEveryStatus()
    {
        QFETCH(QByteArray, bytes);
        QFETCH(int, status);
        const auto r = exchange(port(), bytes);
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QCOMPARE(securityProblems(*r), QString());
    }

    void headersOnOverload()
    {
        cr::Settings s = TestServer::defaults();
        s.maxConnections = 1;
        auto server = startServer(s);
        QVERIFY(server);
        RawClient holder(server->port()); // takes the only slot
        holder.send(request("GET", "/t/seq"));
        QVERIFY(holder.read());
        // The next connections get the listener's 503, each with its own request id.
        const auto first = exchange(server->port(), QByteArray());
        const auto second = exchange(server->port(), QByteArray());
        QVERIFY(first && second);
        for (const auto &r : {*first, *second}) {
            QCOMPARE(r.status, 503);
            QCOMPARE(securityProblems(r), QString());
            QCOMPARE(httptest::jsonErrorProblems(r, "OVERLOADED"), QString());
            QCOMPARE(r.header("connection"), QByteArray("close"));
        }
        QVERIFY(first->header("x-request-id") != second->header("x-request-id"));
    }

    void headersOnTimeout()
    {
        cr::Settings s = TestServer::defaults();
        s.headerTimeoutMs = 300;
        auto server = startServer(s);
        QVERIFY(server);
        RawClient slow(server->port());
        slow.send("GET / HTTP/1.1\r\n");
        const auto timedOut = slow.read();
        QVERIFY(timedOut);
        QCOMPARE(timedOut->status, 408);
        QCOMPARE(securityProblems(*timedOut), QString());
    }

    void requestId_data()
    {
        QTest::addColumn<QByteArray>("sent");
        QTest::addColumn<bool>("echoed");
        QTest::newRow("plain") << QByteArray("abc-123_X.y") << true;
        QTest::newRow("64 chars") << QByteArray(64, 'a') << true;
        QTest::newRow("65 chars") << QByteArray(65, 'a') << false;
        QTest::newRow("space") << QByteArray("abc def") << false;
        QTest::newRow("slash") << QByteArray("a/b") << false;
        QTest::newRow("quote") << QByteArray("a\"b") << false;
        QTest::newRow("script") << QByteArray("<script>") << false;
        QTest::newRow("non-ascii") << QByteArray("caf\xc3\xa9") << false;
    }
    void requestId()
    {
        QFETCH(QByteArray, sent);
        QFETCH(bool, echoed);
        for (const QByteArray &target : {QByteArray("/t/seq"), QByteArray("/nope")}) {
            const auto r =
                exchange(port(), request("GET", target, "X-Request-Id: " + sent + "\r\n"));
            QVERIFY(r);
            const QByteArray id = r->header("x-request-id");
            QVERIFY(!id.isEmpty());
            QCOMPARE(id == sent, echoed);
            if (r->status != 200)
                QCOMPARE(r->json().value(u"requestId").toString().toLatin1(), id);
        }
    }

    void generatedRequestIdsDiffer()
    {
        const auto a = exchange(port(), request("GET", "/t/seq"));
        const auto b = exchange(port(), request("GET", "/t/seq"));
        QVERIFY(a && b);
        QVERIFY(a->header("x-request-id") != b->header("x-request-id"));
    }

    void corsAllowedOrigin()
    {
        for (const QByteArray &origin : {kAllowed, QByteArray("http://localhost:5173")}) {
            const auto r = exchange(port(), request("GET", "/t/seq", "Origin: " + origin + "\r\n"));
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(r->header("access-control-allow-origin"), origin);
            const QByteArray expose = r->header("access-control-expose-headers");
            QList<QByteArray> exposed;
            for (const QByteArray &name : expose.split(','))
                exposed << name.trimmed().toLower();
            for (const char *h : {"ratelimit", "ratelimit-policy", "retry-after", "x-request-id"})
                QVERIFY2(exposed.contains(h), expose.constData());
            QVERIFY(!r->headers.contains("access-control-allow-credentials"));
            QVERIFY(r->header("vary").contains("Origin"));
        }
        // A state-changing request from it is allowed.
        const auto post = exchange(port(), request("POST", "/t/echo",
                                                   "Origin: " + kAllowed +
                                                       "\r\nContent-Type: application/json\r\n"
                                                       "Content-Length: 2\r\n") +
                                               "{}");
        QVERIFY(post);
        QCOMPARE(post->status, 200);
        QCOMPARE(post->header("access-control-allow-origin"), kAllowed);
    }

    void corsAllowedPreflight()
    {
        const auto r = exchange(
            port(), request("OPTIONS", "/t/echo",
                            "Origin: " + kAllowed + "\r\nAccess-Control-Request-Method: POST\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 204);
        QCOMPARE(r->header("access-control-allow-origin"), kAllowed);
        QVERIFY(r->header("access-control-allow-methods").contains("POST"));
        QVERIFY(!r->header("access-control-allow-headers").isEmpty());
        QVERIFY(!r->headers.contains("access-control-allow-credentials"));
    }

    void corsDisallowedOrigin_data()
    {
        QTest::addColumn<QByteArray>("origin");
        QTest::newRow("other site") << QByteArray("https://evil.com");
        QTest::newRow("suffix") << QByteArray("https://app.example.com.evil.com");
        QTest::newRow("other scheme") << QByteArray("http://app.example.com");
        QTest::newRow("other port") << QByteArray("https://app.example.com:8443");
        QTest::newRow("null") << QByteArray("null");
    }
    void corsDisallowedOrigin()
    {
        QFETCH(QByteArray, origin);
        const QByteArray header = "Origin: " + origin + "\r\n";
        auto noCors = [](const RawClient::Response &r) {
            for (auto it = r.headers.cbegin(); it != r.headers.cend(); ++it) {
                if (it.key().startsWith("access-control-"))
                    return false;
            }
            return r.header("vary").contains("Origin");
        };

        const auto get = exchange(port(), request("GET", "/t/seq", header));
        QVERIFY(get);
        QCOMPARE(get->status, 200); // a safe request is answered, but without CORS headers
        QVERIFY(noCors(*get));

        const auto preflight =
            exchange(port(), request("OPTIONS", "/t/echo",
                                     header + "Access-Control-Request-Method: POST\r\n"));
        QVERIFY(preflight);
        QCOMPARE(preflight->status, 204);
        QVERIFY(noCors(*preflight));

        const auto post = exchange(
            port(), request("POST", "/t/echo",
                            header + "Content-Type: application/json\r\nContent-Length: 2\r\n") +
                        "{}");
        QVERIFY(post);
        QCOMPARE(post->status, 403);
        QCOMPARE(httptest::jsonErrorProblems(*post, "ORIGIN_NOT_ALLOWED"), QString());
        QVERIFY(noCors(*post));
    }

    void hostCheck_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("allowed");
        const QByteArray p = QByteArray::number(port());
        QTest::newRow("localhost") << QByteArray("localhost") << true;
        QTest::newRow("localhost:port") << "localhost:" + p << true;
        QTest::newRow("LOCALHOST") << QByteArray("LOCALHOST") << true;
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1") << true;
        QTest::newRow("127.0.0.1:port") << "127.0.0.1:" + p << true;
        QTest::newRow("[::1]") << QByteArray("[::1]") << true;
        QTest::newRow("[::1]:port") << "[::1]:" + p << true;
        QTest::newRow("public host") << QByteArray("coderunner.example.org") << true;
        QTest::newRow("public host:443") << QByteArray("coderunner.example.org:443") << true;
        QTest::newRow("evil.com") << QByteArray("evil.com") << false;
        QTest::newRow("evil.com:port") << "evil.com:" + p << false;
        QTest::newRow("empty") << QByteArray() << false;
        QTest::newRow("localhost:abc") << QByteArray("localhost:abc") << false;
        QTest::newRow("localhost:") << QByteArray("localhost:") << false;
        QTest::newRow("localhost:0") << QByteArray("localhost:0") << false;
        QTest::newRow("localhost:70000") << QByteArray("localhost:70000") << false;
        QTest::newRow("localhost.evil.com") << QByteArray("localhost.evil.com") << false;
        QTest::newRow("::1 unbracketed") << QByteArray("::1") << false;
        QTest::newRow("[::1]x") << QByteArray("[::1]x") << false;
        QTest::newRow("user@localhost") << QByteArray("user@localhost") << false;
        QTest::newRow("127.0.0.2") << QByteArray("127.0.0.2") << false;
    }
    void hostCheck()
    {
        QFETCH(QByteArray, host);
        QFETCH(bool, allowed);
        RawClient c(port());
        c.send("GET /t/seq?n=1 HTTP/1.1\r\nHost: " + host + "\r\n\r\n");
        const auto r = c.read();
        QVERIFY(r);
        if (allowed) {
            QCOMPARE(r->status, 200);
        } else {
            QCOMPARE(r->status, 400);
            QCOMPARE(httptest::jsonErrorProblems(*r, "HOST_NOT_ALLOWED"), QString());
            if (!host.isEmpty())
                QVERIFY(!r->body.contains(host)); // not echoed
        }
    }

    void http10WithoutHostIsAllowed()
    {
        const auto r = exchange(port(), "GET /t/seq?n=1 HTTP/1.0\r\n\r\n");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
    }
};

QTEST_GUILESS_MAIN(TstHttpSecurity)
#include "tst_http_security.moc"
