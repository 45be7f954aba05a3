// Graceful shutdown through real sockets: in-flight requests finish (with Connection: close),
// idle keep-alive connections close, new connections are refused, Engine::stopped is emitted;
// and a handler that never answers cannot hold shutdown beyond shutdownTimeoutMs.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"

#include <QElapsedTimer>
#include <QSignalSpy>
#include <QTest>

using httptest::parking;
using httptest::request;

class TstHttpShutdown : public QObject
{
    Q_OBJECT

private:
    static cr::Settings settings(int shutdownTimeoutMs)
    {
        cr::Settings s = TestServer::defaults();
        s.shutdownTimeoutMs = shutdownTimeoutMs;
        return s;
    }

private Q_SLOTS:
    void init() { parking().clear(); }
    void cleanup() { parking().clear(); }

    void idleServerStopsAtOnce()
    {
        TestServer server(settings(10000));
        QVERIFY(server.start());
        QSignalSpy stopped(&server.engine(), &cr::Engine::stopped);
        QElapsedTimer t;
        t.start();
        server.engine().shutdown();
        QVERIFY(stopped.count() == 1 || stopped.wait(5000));
        QVERIFY(t.elapsed() < 5000);
        QVERIFY(!server.engine().isRunning());
    }

    void inFlightRequestFinishesIdleConnectionCloses()
    {
        TestServer server(settings(10000));
        server.setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(server.start());
        const quint16 port = server.port();

        // In flight: answered only when the test releases it; a pipelined request behind it.
        RawClient busy(port);
        busy.send(request("GET", "/t/park") + request("GET", "/t/seq?n=2"));
        QTRY_COMPARE_WITH_TIMEOUT(parking().count(), 1, 5000);

        // Idle: one request answered, the connection kept alive.
        RawClient idle(port);
        idle.send(request("GET", "/t/seq?n=1"));
        const auto first = idle.read();
        QVERIFY(first);
        QCOMPARE(first->status, 200);
        QVERIFY(first->header("connection").isEmpty());

        QSignalSpy stopped(&server.engine(), &cr::Engine::stopped);
        server.engine().shutdown();

        QVERIFY(idle.waitForClose(5000));
        QCOMPARE(idle.pending(), QByteArray()); // closed silently

        RawClient late(port);
        QVERIFY2(!late.isConnected() || late.waitForClose(5000),
                 "a new connection during shutdown must be refused");
        QCOMPARE(late.pending(), QByteArray());

        QVERIFY(busy.isConnected());
        QCOMPARE(stopped.count(), 0);

        QVERIFY(parking().releaseOne()); // from this (another) thread
        const auto answer = busy.read();
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->json().value(u"parked").toBool(), true);
        QCOMPARE(answer->header("connection"), QByteArray("close"));
        QCOMPARE(httptest::securityProblems(*answer), QString());
        QVERIFY(busy.waitForClose(5000));
        QCOMPARE(busy.pending(), QByteArray()); // the pipelined request is not answered

        QVERIFY(stopped.count() == 1 || stopped.wait(5000));
        QCOMPARE(stopped.count(), 1);
        QVERIFY(!server.engine().isRunning());
    }

    void answerFromTheWorkerThreadDuringShutdown()
    {
        TestServer server(settings(10000));
        server.setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(server.start());
        RawClient busy(server.port());
        busy.send(request("GET", "/t/park"));
        QTRY_COMPARE_WITH_TIMEOUT(parking().count(), 1, 5000);
        QSignalSpy stopped(&server.engine(), &cr::Engine::stopped);
        server.engine().shutdown();
        QVERIFY(parking().releaseOne(true)); // answered in the handler's own thread
        const auto answer = busy.read();
        QVERIFY(answer);
        QCOMPARE(answer->status, 200);
        QCOMPARE(answer->json().value(u"parked").toBool(), true);
        QCOMPARE(answer->header("connection"), QByteArray("close"));
        QVERIFY(busy.waitForClose(5000));
        QVERIFY(stopped.count() == 1 || stopped.wait(5000));
    }

    void handlerThatNeverAnswersCannotHoldShutdown()
    {
        constexpr int kTimeout = 300;
        TestServer server(settings(kTimeout));
        server.setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(server.start());

        RawClient busy(server.port());
        busy.send(request("GET", "/t/park"));
        QTRY_COMPARE_WITH_TIMEOUT(parking().count(), 1, 5000);
        RawClient partial(server.port()); // a request head that never completes
        partial.send("GET /t/seq HTTP/1.1\r\nHo");

        QSignalSpy stopped(&server.engine(), &cr::Engine::stopped);
        QElapsedTimer t;
        t.start();
        server.engine().shutdown();
        QVERIFY(stopped.wait(5000));
        QVERIFY2(t.elapsed() >= kTimeout - 10, qPrintable(QString::number(t.elapsed())));
        QVERIFY(!server.engine().isRunning());

        QVERIFY(busy.waitForClose(5000));
        QCOMPARE(busy.pending(), QByteArray()); // dropped without a response
        QVERIFY(partial.waitForClose(5000));

        // The handler's Reply outlives its connection, worker and threads: dropping it (which
        // answers 500 through the sink) or answering it must be harmless.
        QCOMPARE(parking().count(), 1);
        parking().clear();
    }

    void lateAnswerAfterShutdownIsHarmless()
    {
        TestServer server(settings(200));
        server.setExtraRoutes(&httptest::registerRoutes);
        QVERIFY(server.start());
        RawClient busy(server.port());
        busy.send(request("GET", "/t/park"));
        QTRY_COMPARE_WITH_TIMEOUT(parking().count(), 1, 5000);
        QSignalSpy stopped(&server.engine(), &cr::Engine::stopped);
        server.engine().shutdown();
        QVERIFY(stopped.wait(5000));
        QVERIFY(parking().releaseOne());
        QVERIFY(busy.waitForClose(5000));
    }

    void shutdownTwiceIsHarmless()
    {
        TestServer server(settings(10000));
        QVERIFY(server.start());
        QSignalSpy stopped(&server.engine(), &cr::Engine::stopped);
        server.engine().shutdown();
        server.engine().shutdown();
        QVERIFY(stopped.count() >= 1 || stopped.wait(5000));
    }
};

QTEST_GUILESS_MAIN(TstHttpShutdown)
#include "tst_http_shutdown.moc"
