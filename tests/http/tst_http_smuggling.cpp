// Request smuggling shapes and malformed input through a real socket: each is answered with 400
// and the connection closed, and a request smuggled behind it in the same bytes never reaches a
// handler. Garbage never crashes the server, which keeps serving new connections.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QRandomGenerator>
#include <QTest>

#include <memory>

using httptest::expectErrorAndClose;
using httptest::request;

namespace {

const QByteArray kSmuggled = "GET /t/smuggled HTTP/1.1\r\nHost: localhost\r\n\r\n";

} // namespace

class TstHttpSmuggling : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

    bool serverStillServes()
    {
        const auto r = RawClient::get(port(), "/t/seq?n=ok");
        return r && r->status == 200 && r->json().value(u"n").toString() == u"ok";
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>();
        m_server->setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(m_server->start());
    }
    void cleanupTestCase() { m_server.reset(); }
    void init() { httptest::smuggledHits() = 0; }
    void cleanup()
    {
        QCOMPARE(httptest::smuggledHits().load(), 0);
        QVERIFY(serverStillServes());
    }

    void smuggling_data()
    {
        QTest::addColumn<QByteArray>("head"); // the whole request up to and including its body
        const QByteArray host = "Host: localhost\r\n";
        auto post = [&](const QByteArray &headers,
                        const QByteArray &body = "0\r\n\r\n") -> QByteArray {
            return "POST /t/echo HTTP/1.1\r\n" + host + headers + "\r\n" + body;
        };
        QTest::newRow("space before colon") << post("Transfer-Encoding : chunked\r\n");
        QTest::newRow("tab before colon") << post("Transfer-Encoding\t: chunked\r\n");
        QTest::newRow("space in name") << post("Transfer Encoding: chunked\r\n");
        QTest::newRow("space in content-length name") << post("Content Length: 5\r\n", "hello");
        QTest::newRow("obs-fold") << post("X-A: a\r\n b\r\nTransfer-Encoding: chunked\r\n");
        QTest::newRow("obs-fold of te")
            << post("Transfer-Encoding: identity\r\n chunked\r\n", "0\r\n\r\n");
        QTest::newRow("bare LF") << QByteArray("GET /t/seq HTTP/1.1\nHost: localhost\n\n");
        QTest::newRow("bare LF in one header")
            << QByteArray("GET /t/seq HTTP/1.1\r\nHost: localhost\nX-A: b\r\n\r\n");
        QTest::newRow("bare CR") << QByteArray(
            "GET /t/seq HTTP/1.1\r\nHost: localhost\rX: y\r\n\r\n");
        QTest::newRow("two transfer-encodings")
            << post("Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n");
        QTest::newRow("te chunked then identity")
            << post("Transfer-Encoding: chunked\r\nTransfer-Encoding: identity\r\n");
        QTest::newRow("te list") << post("Transfer-Encoding: gzip, chunked\r\n");
        QTest::newRow("te chunked, identity") << post("Transfer-Encoding: chunked, identity\r\n");
        QTest::newRow("te xchunked") << post("Transfer-Encoding: xchunked\r\n");
        QTest::newRow("te identity") << post("Transfer-Encoding: identity\r\n", QByteArray());
        QTest::newRow("te on http/1.0")
            << QByteArray("POST /t/echo HTTP/1.0\r\nHost: localhost\r\n"
                          "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
        QTest::newRow("cl and te")
            << post("Content-Length: 5\r\nTransfer-Encoding: chunked\r\n", "0\r\n\r\n");
        QTest::newRow("te and cl")
            << post("Transfer-Encoding: chunked\r\nContent-Length: 5\r\n", "0\r\n\r\n");
        QTest::newRow("duplicate cl, same value")
            << post("Content-Length: 2\r\nContent-Length: 2\r\n", "{}");
        QTest::newRow("duplicate cl, different values")
            << post("Content-Length: 2\r\nContent-Length: 0\r\n", "{}");
        QTest::newRow("cl list") << post("Content-Length: 2, 2\r\n", "{}");
        QTest::newRow("cl with plus") << post("Content-Length: +2\r\n", "{}");
        QTest::newRow("cl negative") << post("Content-Length: -1\r\n", QByteArray());
        QTest::newRow("cl hex") << post("Content-Length: 0x2\r\n", "{}");
        QTest::newRow("missing host") << QByteArray("GET /t/seq HTTP/1.1\r\n\r\n");
        QTest::newRow("duplicate host")
            << QByteArray("GET /t/seq HTTP/1.1\r\nHost: localhost\r\nHost: evil.com\r\n\r\n");
        QTest::newRow("empty header name")
            << QByteArray("GET /t/seq HTTP/1.1\r\n" + host + ": x\r\n\r\n");
        QTest::newRow("nul in header value")
            << "GET /t/seq HTTP/1.1\r\n" + host + QByteArray("X-A: a\0b\r\n\r\n", 12);
        QTest::newRow("absolute-form target")
            << QByteArray("GET http://localhost/t/seq HTTP/1.1\r\n" + host + "\r\n");
        QTest::newRow("bad chunk size")
            << post("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                    "zz\r\n{}\r\n0\r\n\r\n");
        QTest::newRow("chunk without crlf")
            << post("Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n",
                    "2\r\n{}XX0\r\n\r\n");
    }
    void smuggling()
    {
        QFETCH(QByteArray, head);
        RawClient c(port());
        c.send(head + kSmuggled);
        QCOMPARE(expectErrorAndClose(c, 400, "BAD_REQUEST"), QString());
    }

    void smuggledBehindAValidRequestIsAnsweredInTurn()
    {
        // Control: a well-formed pipelined request is read (the counter works).
        RawClient c(port());
        c.send(request("GET", "/t/seq?n=1") + kSmuggled);
        for (int i = 0; i < 2; ++i) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }
        QCOMPARE(httptest::smuggledHits().exchange(0), 1);
    }

    void unsupportedVersion_data()
    {
        QTest::addColumn<QByteArray>("head");
        QTest::newRow("HTTP/2.0") << QByteArray("GET /t/seq HTTP/2.0\r\nHost: localhost\r\n\r\n");
        QTest::newRow("HTTP/1.2") << QByteArray("GET /t/seq HTTP/1.2\r\nHost: localhost\r\n\r\n");
        QTest::newRow("HTTP/0.9") << QByteArray("GET /\r\n\r\n");
    }
    void unsupportedVersion()
    {
        QFETCH(QByteArray, head);
        RawClient c(port());
        c.send(head + kSmuggled);
        QCOMPARE(expectErrorAndClose(c, 505, "NOT_IMPLEMENTED"), QString());
    }

    void garbage_data()
    {
        QTest::addColumn<QByteArray>("bytes");
        QTest::newRow("binary") << QByteArray("\x00\x01\x02\x03\xff\xfe\r\n\r\n", 10);
        QTest::newRow("tls client hello")
            << QByteArray::fromHex("16030100a5010000a10303") + QByteArray(64, '\x17') + "\r\n\r\n";
        QTest::newRow("long method") << QByteArray(1000, 'A') + " / HTTP/1.1\r\n\r\n";
        QTest::newRow("lowercase method") << QByteArray("get /t/seq HTTP/1.1\r\n\r\n");
        QTest::newRow("no target") << QByteArray("GET HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QTest::newRow("many empty lines") << QByteArray(40, '\n').replace("\n", "\r\n");
        QTest::newRow("request line only spaces") << QByteArray("          \r\n\r\n");
        QTest::newRow("header without colon")
            << QByteArray("GET / HTTP/1.1\r\nHost: localhost\r\nNoColon\r\n\r\n");
        QTest::newRow("control in target") << QByteArray("GET /t\x01seq HTTP/1.1\r\n\r\n");
        QTest::newRow("utf-8 in name")
            << QByteArray("GET / HTTP/1.1\r\nHost: localhost\r\nX-Ü: 1\r\n\r\n");
        QRandomGenerator random(20261203);
        for (int i = 0; i < 12; ++i) {
            QByteArray bytes(int(random.bounded(1, 4096)), Qt::Uninitialized);
            for (char &ch : bytes)
                ch = char(random.bounded(256));
            QTest::addRow("random %d", i) << bytes + "\r\n\r\n";
        }
    }
    void garbage()
    {
        QFETCH(QByteArray, bytes);
        RawClient c(port());
        c.send(bytes + kSmuggled);
        QCOMPARE(expectErrorAndClose(c, 400, "BAD_REQUEST"), QString());
    }

    void hugeMethod()
    {
        // Far longer than any request line the server accepts, and no method at all.
        RawClient c(port());
        c.send(QByteArray(64 * 1024, 'A') + " / HTTP/1.1\r\nHost: localhost\r\n\r\n");
        QCOMPARE(expectErrorAndClose(c, 400, "BAD_REQUEST"), QString());
    }

    void abandonedConnectionsDoNotHurt()
    {
        for (const QByteArray &partial :
             {QByteArray(), QByteArray("GET /t/se"), QByteArray("GET /t/seq HTTP/1.1\r\nHost: l"),
              QByteArray(request("POST", "/t/echo", "Content-Length: 100\r\n") + "{\"a\"")}) {
            RawClient c(port());
            if (!partial.isEmpty())
                c.send(partial);
            c.socket().abort();
        }
    }
};

QTEST_GUILESS_MAIN(TstHttpSmuggling)
#include "tst_http_smuggling.moc"
