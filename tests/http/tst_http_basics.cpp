// Real-socket HTTP/1.1 basics: keep-alive, HTTP/1.0, pipelining, bodies, 100-continue, HEAD,
// OPTIONS, 405, 404 and the peer address a handler sees.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QJsonArray>
#include <QJsonObject>
#include <QTest>

#include <memory>

using httptest::request;

class TstHttpBasics : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

    static QByteArray post(const QByteArray &target, const QByteArray &body,
                           const QByteArray &extra = QByteArray())
    {
        return request("POST", target,
                       "Content-Type: application/json\r\nContent-Length: " +
                           QByteArray::number(body.size()) + "\r\n" + extra) +
               body;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        m_server->setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(m_server->start());
    }
    void cleanupTestCase() { m_server.reset(); }

    void keepAliveServesSeveralRequests()
    {
        RawClient c(port());
        for (int i = 1; i <= 4; ++i) {
            c.send(request("GET", "/t/seq?n=" + QByteArray::number(i)));
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(r->json().value(u"n").toString(), QString::number(i));
            QVERIFY(r->header("connection").isEmpty());
            QVERIFY(c.isConnected());
        }
    }

    void http10ClosesByDefault()
    {
        RawClient c(port());
        c.send("GET /t/seq?n=1 HTTP/1.0\r\n\r\n");
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("connection"), QByteArray("close"));
        QVERIFY(c.waitForClose(2000));
        QVERIFY(c.pending().isEmpty());
    }

    void http10KeepAliveWhenAsked()
    {
        RawClient c(port());
        for (int i = 1; i <= 2; ++i) {
            c.send("GET /t/seq?n=" + QByteArray::number(i) +
                   " HTTP/1.0\r\nHost: localhost\r\nConnection: keep-alive\r\n\r\n");
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(r->header("connection").toLower(), QByteArray("keep-alive"));
            QCOMPARE(r->json().value(u"n").toString(), QString::number(i));
        }
        QVERIFY(c.isConnected());
    }

    void connectionCloseIsHonoured()
    {
        RawClient c(port());
        c.send(request("GET", "/t/seq?n=1", "Connection: close\r\n") +
               request("GET", "/t/smuggled"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->header("connection"), QByteArray("close"));
        QVERIFY(c.waitForClose(2000));
        QCOMPARE(c.pending(), QByteArray()); // the request after it is not read
        QCOMPARE(httptest::smuggledHits().load(), 0);
    }

    void pipelinedRequestsAreAnsweredInOrder()
    {
        RawClient c(port());
        QByteArray all;
        for (int i = 1; i <= 5; ++i)
            all += request("GET", "/t/seq?n=" + QByteArray::number(i));
        c.send(all);
        for (int i = 1; i <= 5; ++i) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            QCOMPARE(r->json().value(u"n").toString(), QString::number(i));
        }
        QVERIFY(c.isConnected());
    }

    void pipelinedOrderHoldsWhenTheFirstAnswersLater()
    {
        RawClient c(port());
        c.send(request("GET", "/t/async?ms=150&n=1") + request("GET", "/t/seq?n=2") +
               post("/t/echo", "{\"n\":\"3\"}") + request("GET", "/t/async?ms=0&n=4") +
               request("GET", "/t/seq?n=5"));
        for (int i = 1; i <= 5; ++i) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
            const QJsonObject o = r->json();
            const QString n = i == 3 ? o.value(u"echo").toObject().value(u"n").toString()
                                     : o.value(u"n").toString();
            QCOMPARE(n, QString::number(i));
        }
    }

    void pipelinedErrorsKeepTheOrderAndTheConnection()
    {
        RawClient c(port());
        c.send(request("GET", "/t/seq?n=1") + request("GET", "/nope") +
               request("DELETE", "/t/seq") + request("OPTIONS", "/t/seq") +
               request("GET", "/t/seq?n=5"));
        for (int expected : {200, 404, 405, 204, 200}) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, expected);
        }
        QVERIFY(c.isConnected());
    }

    void manyPipelinedRequestsWithoutReading()
    {
        // Far more response bytes than the server's send high-water mark: it stops reading
        // while the client does not read, and resumes as the client catches up.
        constexpr int kCount = 3000;
        RawClient c(port());
        QByteArray all;
        for (int i = 0; i < kCount; ++i)
            all += request("GET", "/t/seq?n=" + QByteArray::number(i));
        c.send(all);
        for (int i = 0; i < kCount; ++i) {
            const auto r = c.read();
            QVERIFY2(r, qPrintable(QString::number(i)));
            QCOMPARE(r->json().value(u"n").toString(), QString::number(i));
        }
    }

    void contentLengthBodyReachesTheHandler()
    {
        RawClient c(port());
        const QByteArray body = "{\"text\":\"grüße \\\"quoted\\\"\",\"list\":[1,2,3]}";
        c.send(post("/t/echo", body));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        const QJsonObject echo = r->json().value(u"echo").toObject();
        QCOMPARE(echo.value(u"text").toString(), QStringLiteral("grüße \"quoted\""));
        QCOMPARE(echo.value(u"list").toArray().size(), 3);
        QCOMPARE(r->json().value(u"bytes").toInt(), body.size());
    }

    void bodySentInPiecesReachesTheHandler()
    {
        RawClient c(port());
        const QByteArray body = "{\"pieces\":\"one two three\"}";
        const QByteArray all = post("/t/echo", body);
        for (qsizetype i = 0; i < all.size(); i += 7) {
            c.send(all.mid(i, 7));
            c.socket().flush();
        }
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"echo").toObject().value(u"pieces").toString(),
                 QStringLiteral("one two three"));
    }

    void chunkedBodyReachesTheHandler()
    {
        RawClient c(port());
        const QByteArray body = "{\"chunked\":\"abcdefghijklmnopqrstuvwxyz\"}";
        c.send(request("POST", "/t/echo",
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"));
        // Three chunks in separate writes, one with an extension, then the last chunk.
        const QByteArray a = body.left(10), b = body.mid(10, 7), d = body.mid(17);
        c.send(QByteArray::number(a.size(), 16) + "\r\n" + a + "\r\n");
        c.send(QByteArray::number(b.size(), 16) + ";ext=1\r\n" + b + "\r\n");
        c.send(QByteArray::number(d.size(), 16) + "\r\n" + d + "\r\n0\r\n\r\n");
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"echo").toObject().value(u"chunked").toString(),
                 QStringLiteral("abcdefghijklmnopqrstuvwxyz"));
        QCOMPARE(r->json().value(u"bytes").toInt(), body.size());
        // The connection is reusable after a chunked body.
        c.send(request("GET", "/t/seq?n=7"));
        const auto next = c.read();
        QVERIFY(next);
        QCOMPARE(next->json().value(u"n").toString(), QStringLiteral("7"));
    }

    void expectContinueBeforeTheBody()
    {
        RawClient c(port());
        const QByteArray body = "{\"after\":\"continue\"}";
        c.send(request("POST", "/t/echo",
                       "Content-Type: application/json\r\nExpect: 100-continue\r\n"
                       "Content-Length: " +
                           QByteArray::number(body.size()) + "\r\n"));
        const auto interim = c.read(3000);
        QVERIFY(interim);
        QCOMPARE(interim->status, 100);
        QVERIFY(interim->body.isEmpty());
        c.send(body);
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"echo").toObject().value(u"after").toString(),
                 QStringLiteral("continue"));
    }

    void headHasTheHeadersButNoBody()
    {
        RawClient c(port());
        c.send(request("GET", "/t/seq?n=12345"));
        const auto get = c.read();
        QVERIFY(get);
        c.send(request("HEAD", "/t/seq?n=12345"));
        const auto head = c.read(5000, true);
        QVERIFY(head);
        QCOMPARE(head->status, 200);
        QCOMPARE(head->header("content-length"), get->header("content-length"));
        QCOMPARE(head->header("content-type"), get->header("content-type"));
        QVERIFY(head->body.isEmpty());
        // No body bytes follow: the next response starts right away.
        c.send(request("GET", "/t/seq?n=2"));
        const auto next = c.read();
        QVERIFY(next);
        QCOMPARE(next->status, 200);
        QCOMPARE(next->json().value(u"n").toString(), QStringLiteral("2"));
        QCOMPARE(c.pending(), QByteArray());
    }

    void headOfAnUnknownPath()
    {
        RawClient c(port());
        c.send(request("HEAD", "/no/such/thing"));
        const auto r = c.read(5000, true);
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QVERIFY(r->header("content-length").toInt() > 0);
        QVERIFY(r->body.isEmpty());
        c.send(request("GET", "/t/seq?n=1"));
        const auto next = c.read();
        QVERIFY(next);
        QCOMPARE(next->status, 200);
    }

    void optionsListsTheMethods()
    {
        RawClient c(port());
        c.send(request("OPTIONS", "/t/seq"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 204);
        QCOMPARE(r->header("allow"), QByteArray("GET, HEAD, OPTIONS"));
        QVERIFY(r->body.isEmpty());
        QVERIFY(!r->headers.contains("content-length"));
        QVERIFY(c.isConnected());
    }

    void wrongMethodIs405WithAllow()
    {
        RawClient c(port());
        c.send(request("DELETE", "/t/echo"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 405);
        QCOMPARE(r->header("allow"), QByteArray("POST, OPTIONS"));
        QCOMPARE(httptest::jsonErrorProblems(*r, "METHOD_NOT_ALLOWED"), QString());
        QVERIFY(c.isConnected());
    }

    void unknownPathIs404WithoutEchoingIt()
    {
        const auto r = RawClient::get(port(), "/secret-<script>alert(1)</script>?q=token123");
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        QCOMPARE(httptest::jsonErrorProblems(*r, "NOT_FOUND"), QString());
        QVERIFY(!r->body.contains("secret"));
        QVERIFY(!r->body.contains("script"));
        QVERIFY(!r->body.contains("token123"));
    }

    void peerIsPlainIPv4()
    {
        const auto r = RawClient::get(port(), "/t/peer");
        QVERIFY(r);
        QCOMPARE(r->json().value(u"peer").toString(), QStringLiteral("127.0.0.1"));
    }

    void dualStackPeerIsNormalised()
    {
        cr::Settings s = TestServer::defaults();
        s.bind = QStringLiteral("::");
        TestServer server(s);
        server.setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(server.start());

        RawClient v4(QHostAddress(QHostAddress::LocalHost), server.port());
        QVERIFY2(v4.isConnected(), "a server bound to :: must accept IPv4 (dual stack)");
        v4.send(request("GET", "/t/peer"));
        const auto r4 = v4.read();
        QVERIFY(r4);
        QCOMPARE(r4->status, 200);
        QCOMPARE(r4->json().value(u"peer").toString(), QStringLiteral("127.0.0.1"));

        RawClient v6(QHostAddress(QHostAddress::LocalHostIPv6), server.port());
        QVERIFY(v6.isConnected());
        v6.send(request("GET", "/t/peer"));
        const auto r6 = v6.read();
        QVERIFY(r6);
        QCOMPARE(r6->json().value(u"peer").toString(), QStringLiteral("::1"));
    }
};

QTEST_GUILESS_MAIN(TstHttpBasics)
#include "tst_http_basics.moc"
