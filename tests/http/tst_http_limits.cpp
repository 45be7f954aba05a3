// Real-socket limits: each one answered with its status and a JSON error, then a clean close.
// URI 414, header bytes / count 431, body 413 (declared, streamed, per route, with Expect),
// header-read timeout 408, idle keep-alive close, maximum connections 503 / refuse.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QDeadlineTimer>
#include <QElapsedTimer>
#include <QTest>

#include <memory>

using httptest::expectErrorAndClose;
using httptest::request;

namespace {

constexpr int kMaxUri = 256;
constexpr int kMaxHeaderBytes = 1024;
constexpr int kMaxHeaderCount = 10;
constexpr qint64 kMaxBody = 1024;
constexpr int kTimeoutMs = 300;

QByteArray jsonOfSize(qsizetype size)
{
    const QByteArray frame = "{\"a\":\"\"}";
    return "{\"a\":\"" + QByteArray(size - frame.size(), 'x') + "\"}";
}

QByteArray postHead(const QByteArray &target, qint64 length, const QByteArray &extra = {})
{
    return request("POST", target,
                   "Content-Type: application/json\r\nContent-Length: " +
                       QByteArray::number(length) + "\r\n" + extra);
}

QByteArray chunked(const QByteArray &body, qsizetype chunkSize)
{
    QByteArray out;
    for (qsizetype i = 0; i < body.size(); i += chunkSize) {
        const QByteArray part = body.mid(i, chunkSize);
        out += QByteArray::number(part.size(), 16) + "\r\n" + part + "\r\n";
    }
    return out + "0\r\n\r\n";
}

} // namespace

class TstHttpLimits : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    quint16 port() const { return m_server->port(); }

    static std::unique_ptr<TestServer> startServer(cr::Settings s)
    {
        auto server = std::make_unique<TestServer>(s);
        server->setExtraRoutes(&httptest::registerRoutes);
        if (!server->start())
            return nullptr;
        return server;
    }

private Q_SLOTS:
    void initTestCase()
    {
        cr::Settings s = TestServer::defaults();
        s.maxUriBytes = kMaxUri;
        s.maxHeaderBytes = kMaxHeaderBytes;
        s.maxHeaderCount = kMaxHeaderCount;
        s.maxBodyBytes = kMaxBody;
        m_server = startServer(s);
        QVERIFY(m_server);
    }
    void cleanupTestCase() { m_server.reset(); }

    void uriTooLong()
    {
        RawClient ok(port());
        ok.send(request("GET", "/t/seq?n=" + QByteArray(kMaxUri - 20, '1')));
        const auto r = ok.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);

        RawClient c(port());
        c.send(request("GET", "/t/seq?n=" + QByteArray(kMaxUri, '1')));
        QCOMPARE(expectErrorAndClose(c, 414, "URI_TOO_LONG"), QString());
    }

    void headerBytesTooLarge()
    {
        RawClient c(port());
        c.send(request("GET", "/t/seq", "X-Big: " + QByteArray(kMaxHeaderBytes, 'b') + "\r\n"));
        QCOMPARE(expectErrorAndClose(c, 431, "HEADERS_TOO_LARGE"), QString());
    }

    void headerCount_data()
    {
        QTest::addColumn<int>("extra"); // header lines besides Host
        QTest::addColumn<int>("status");
        QTest::newRow("at the limit") << kMaxHeaderCount - 1 << 200;
        QTest::newRow("one over") << kMaxHeaderCount << 431;
        QTest::newRow("far over") << kMaxHeaderCount * 5 << 431;
    }
    void headerCount()
    {
        QFETCH(int, extra);
        QFETCH(int, status);
        QByteArray headers;
        for (int i = 0; i < extra; ++i)
            headers += "X-H" + QByteArray::number(i) + ": v\r\n";
        RawClient c(port());
        c.send(request("GET", "/t/seq?n=1", headers));
        if (status == 200) {
            const auto r = c.read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        } else {
            QCOMPARE(expectErrorAndClose(c, status, "HEADERS_TOO_LARGE"), QString());
        }
    }

    void bodyAtTheLimitIsAccepted()
    {
        RawClient c(port());
        const QByteArray body = jsonOfSize(kMaxBody);
        c.send(postHead("/t/echo", body.size()) + body);
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"bytes").toInt(), int(kMaxBody));
    }

    void bodyTooLargeByContentLength()
    {
        RawClient c(port());
        const QByteArray body = jsonOfSize(kMaxBody + 1);
        c.send(postHead("/t/echo", body.size()) + body);
        QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
    }

    void largeBodySentAtOnceStillGets413()
    {
        // The client sends far more than the limit before reading: the server answers without
        // reading the body, and the answer must not be lost to a connection reset.
        RawClient c(port());
        const QByteArray body = jsonOfSize(4 * 1024 * 1024);
        c.socket().write(postHead("/t/echo", body.size()) + body);
        QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
    }

    void declaredBodyIsRefusedBeforeItIsSent()
    {
        RawClient c(port());
        c.send(postHead("/t/echo", 50 * 1024 * 1024)); // the head only
        QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
    }

    void bodyTooLargeWhileChunkedStreams()
    {
        RawClient c(port());
        c.send(request("POST", "/t/echo",
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n"));
        c.send(chunked(jsonOfSize(kMaxBody + 100), 100));
        QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
    }

    void chunkedBodyWithinTheLimit()
    {
        RawClient c(port());
        const QByteArray body = jsonOfSize(kMaxBody);
        c.send(request("POST", "/t/echo",
                       "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
               chunked(body, 100));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"bytes").toInt(), int(kMaxBody));
    }

    void perRouteLimits_data()
    {
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<int>("size");
        QTest::addColumn<bool>("useChunked");
        QTest::addColumn<int>("status");
        const int small = int(httptest::kSmallRouteLimit);
        const int large = int(httptest::kLargeRouteLimit);
        QTest::newRow("small ok") << QByteArray("/t/small") << small << false << 200;
        QTest::newRow("small over") << QByteArray("/t/small") << small + 1 << false << 413;
        QTest::newRow("small over chunked") << QByteArray("/t/small") << small + 1 << true << 413;
        QTest::newRow("large above default") << QByteArray("/t/large") << large << false << 200;
        QTest::newRow("large chunked") << QByteArray("/t/large") << large << true << 200;
        QTest::newRow("large over") << QByteArray("/t/large") << large + 1 << false << 413;
        QTest::newRow("large over chunked") << QByteArray("/t/large") << large + 1 << true << 413;
    }
    void perRouteLimits()
    {
        QFETCH(QByteArray, target);
        QFETCH(int, size);
        QFETCH(bool, useChunked);
        QFETCH(int, status);
        const QByteArray body = jsonOfSize(size);
        RawClient c(port());
        if (useChunked)
            c.send(request("POST", target,
                           "Content-Type: application/json\r\nTransfer-Encoding: chunked\r\n") +
                   chunked(body, 7));
        else
            c.send(postHead(target, body.size()) + body);
        if (status == 413) {
            QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
            return;
        }
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, status);
        QCOMPARE(r->json().value(u"bytes").toInt(), size);
    }

    void expectContinueOverTheLimitGets413Without100()
    {
        RawClient c(port());
        c.send(postHead("/t/echo", kMaxBody + 1, "Expect: 100-continue\r\n"));
        QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
    }

    void bodyOnARouteWithoutBody()
    {
        RawClient ok(port());
        ok.send(request("GET", "/t/seq?n=1", "Content-Length: 0\r\n"));
        const auto r = ok.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);

        RawClient c(port());
        c.send(request("GET", "/t/seq?n=1", "Content-Length: 5\r\n") + "hello");
        QCOMPARE(expectErrorAndClose(c, 413, "PAYLOAD_TOO_LARGE"), QString());
    }

    void headerReadTimeout()
    {
        cr::Settings s = TestServer::defaults();
        s.headerTimeoutMs = kTimeoutMs;
        auto server = startServer(s);
        QVERIFY(server);
        RawClient c(server->port());
        QElapsedTimer t;
        t.start();
        c.send("GET /t/seq HTTP/1.1\r\nHost: loc"); // never finished
        QCOMPARE(expectErrorAndClose(c, 408, "REQUEST_TIMEOUT"), QString());
        QVERIFY2(t.elapsed() >= kTimeoutMs - 10, qPrintable(QString::number(t.elapsed())));
    }

    void stalledBodyTimesOut()
    {
        cr::Settings s = TestServer::defaults();
        s.idleTimeoutMs = kTimeoutMs;
        auto server = startServer(s);
        QVERIFY(server);
        RawClient c(server->port());
        c.send(postHead("/t/echo", 100) + "{\"a\":"); // 5 of 100 bytes
        QCOMPARE(expectErrorAndClose(c, 408, "REQUEST_TIMEOUT"), QString());
    }

    void silentConnectionIsClosedSilently()
    {
        cr::Settings s = TestServer::defaults();
        s.headerTimeoutMs = kTimeoutMs;
        auto server = startServer(s);
        QVERIFY(server);
        RawClient c(server->port());
        QVERIFY(c.waitForClose(5000));
        QCOMPARE(c.pending(), QByteArray());
    }

    void idleKeepAliveIsClosedSilently()
    {
        cr::Settings s = TestServer::defaults();
        s.idleTimeoutMs = kTimeoutMs;
        auto server = startServer(s);
        QVERIFY(server);
        RawClient c(server->port());
        QElapsedTimer t; // the idle deadline starts after the response, so after this
        t.start();
        c.send(request("GET", "/t/seq?n=1"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->header("connection").isEmpty());
        QVERIFY(c.waitForClose(5000));
        QCOMPARE(c.pending(), QByteArray());
        QVERIFY2(t.elapsed() >= kTimeoutMs - 10, qPrintable(QString::number(t.elapsed())));
    }

    void maximumConnections_data()
    {
        QTest::addColumn<bool>("refuse");
        QTest::newRow("503") << false;
        QTest::newRow("refuse") << true;
    }
    void maximumConnections()
    {
        QFETCH(bool, refuse);
        cr::Settings s = TestServer::defaults();
        s.maxConnections = 2;
        s.refuseOverLimit = refuse;
        auto server = startServer(s);
        QVERIFY(server);

        auto first = std::make_unique<RawClient>(server->port());
        RawClient second(server->port());
        for (RawClient *c : {first.get(), &second}) {
            c->send(request("GET", "/t/seq?n=1"));
            const auto r = c->read();
            QVERIFY(r);
            QCOMPARE(r->status, 200);
        }

        RawClient third(server->port());
        if (refuse) {
            QVERIFY(third.waitForClose(5000));
            QCOMPARE(third.pending(), QByteArray());
        } else {
            QCOMPARE(expectErrorAndClose(third, 503, "OVERLOADED"), QString());
        }

        // A freed slot is usable again, once the server has seen the close (a bounded retry:
        // each attempt itself takes a slot for a moment, so QTRY_* re-evaluation would race).
        first.reset();
        std::optional<RawClient::Response> again;
        for (QDeadlineTimer deadline(5000); !deadline.hasExpired(); QTest::qWait(10)) {
            again = RawClient::get(server->port(), "/t/seq?n=2");
            if (again && again->status == 200)
                break;
        }
        QVERIFY(again);
        QCOMPARE(again->status, 200);
        QVERIFY(second.isConnected());
    }
};

QTEST_GUILESS_MAIN(TstHttpLimits)
#include "tst_http_limits.moc"
