// The WebSocket side of the server over real sockets: the upgrade passes the early stages
// (Host, Origin, request id, routing), bad handshakes are answered and free their connection
// slot, oversized messages close the socket, slow consumers are dropped, /health/websocket
// counts clients, and shutdown closes everything with 1001.

#include "RawClient.h"
#include "TestServer.h"
#include "WsTestSupport.h"

#include "ws/WsHub.h"

#include <QDeadlineTimer>
#include <QSignalSpy>
#include <QTest>

using namespace cr;

namespace {

const QByteArray kKey = "dGhlIHNhbXBsZSBub25jZQ==";

// One request on a fresh connection. A connection slot is released a moment after the server
// closes a connection, so with a tiny maxConnections the next one can still find the server
// full: retry (bounded) while the answer is a 503 or lost, as a client would.
std::optional<RawClient::Response> exchange(quint16 port, const QByteArray &request,
                                            bool head = false, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    std::optional<RawClient::Response> r;
    for (;;) {
        RawClient c(port);
        c.send(request);
        r = c.read(5000, head);
        if ((r && r->status != 503) || deadline.hasExpired())
            return r;
        QTest::qWait(20);
    }
}

// The same for a WebSocket client.
bool openWhenASlotIsFree(WsClient &client, quint16 port, int timeoutMs = 10000)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!client.open(port)) {
        if (deadline.hasExpired())
            return false;
        QTest::qWait(20);
    }
    return true;
}

int statusOf(quint16 port, const QByteArray &path)
{
    const auto r = exchange(port, "GET " + path + " HTTP/1.1\r\nHost: localhost\r\n\r\n");
    return r ? r->status : 0;
}

int healthConnections(quint16 port)
{
    const auto r = exchange(port, "GET /health/websocket HTTP/1.1\r\nHost: localhost\r\n\r\n");
    if (!r || r->status != 200)
        return -1;
    return r->json()
        .value(QStringLiteral("data"))
        .toObject()
        .value(QStringLiteral("connections"))
        .toInt(-1);
}

QString errorCode(const RawClient::Response &r)
{
    return r.json()
        .value(QStringLiteral("error"))
        .toObject()
        .value(QStringLiteral("code"))
        .toString();
}

} // namespace

class tst_WsServer : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;

    bool start(const std::function<void(Settings &)> &edit = {},
               std::shared_ptr<ManualClock> clock = nullptr)
    {
        Settings s = TestServer::defaults();
        if (edit)
            edit(s);
        m_server = std::make_unique<TestServer>(s, clock);
        m_server->setAuthenticator(std::make_shared<FakeAuthenticator>(clock.get()));
        return m_server->start();
    }

    // A SlowClient authenticated with `token` and subscribed to metrics, then a fast WsClient
    // on the same channel; publishes `count` messages of about 64 KiB and waits until the fast
    // client has them all, so the slow one's queue is known to be backed up.
    bool backUpASlowClient(SlowClient &slow, WsClient &fast, const QByteArray &token, int count)
    {
        if (!slow.connectTo(port()) || !slow.handshake("/ws?token=" + token))
            return false;
        for (int i = 0; i < 2; ++i) { // the two welcomes
            if (!slow.readMessage())
                return false;
        }
        slow.sendJson({{QStringLiteral("type"), QStringLiteral("subscribe")},
                       {QStringLiteral("channel"), QStringLiteral("metrics")}});
        const auto subscribed = slow.readMessage();
        if (!subscribed || subscribed->value(QStringLiteral("type")).toString() != u"subscribed")
            return false;
        if (!fast.open(port(), QStringLiteral("/ws?token=dev")) ||
            !fast.subscribe(QStringLiteral("metrics")))
            return false;
        WsHub *hub = m_server->engine().hub();
        const QString blob(64 * 1024 - 100, QLatin1Char('m'));
        for (int i = 0; i < count; ++i)
            hub->publish(QStringLiteral("metrics"),
                         {{QStringLiteral("seq"), i}, {QStringLiteral("blob"), blob}});
        return QTest::qWaitFor(
            [&] { return fast.messagesOfType(QStringLiteral("metrics")).size() == count; }, 20000);
    }
    quint16 port() const { return m_server->port(); }

    std::optional<RawClient::Response> rawUpgrade(const QByteArray &request)
    {
        RawClient c(port());
        c.send(request);
        return c.read();
    }

private Q_SLOTS:
    void cleanup() { m_server.reset(); }

    void handshakeAnswer()
    {
        QVERIFY(start());
        RawClient c(port());
        c.send(upgradeRequest("/ws", "X-Request-Id: ws-req-1\r\n"));
        const auto r = c.read();
        QVERIFY(r);
        QCOMPARE(r->status, 101);
        QCOMPARE(r->header("sec-websocket-accept"), acceptFor(kKey));
        QCOMPARE(r->header("upgrade").toLower(), QByteArray("websocket"));
        QVERIFY(r->header("connection").toLower().contains("upgrade"));
    }

    void refusalReachesAClientThatKeepsSending()
    {
        // Input the server never reads must not turn its close into a reset that destroys the
        // answer before the client reads it.
        QVERIFY(start());
        SlowClient c; // plain POSIX socket: the answer waits in the kernel until read
        QVERIFY(c.connectTo(port(), 1 << 20));
        QVERIFY(c.sendBytes(upgradeRequest("/ws", {}, "localhost", {})));
        QVERIFY(c.waitReadable()); // the answer is here (unread): the server has refused
        const QByteArray chunk(16 * 1024, 'x');
        for (int i = 0; i < 64 && c.sendBytes(chunk); ++i) {
        }
        const QByteArray answer = c.readAll();
        QVERIFY2(answer.startsWith("HTTP/1.1 400 "), answer.left(40).constData());
    }

    void lenientButValidHandshakes()
    {
        // Valid HTTP that Qt's handshake parser takes too: not refused by our own checks.
        QVERIFY(start());
        QByteArray keepAlive = upgradeRequest("/ws");
        keepAlive.replace("Connection: Upgrade", "Connection: keep-alive, Upgrade");
        const QList<QByteArray> requests = {upgradeRequest("/ws", "X-Thing:value\r\n"),
                                            upgradeRequest("/ws", "X-Empty: \r\n"), keepAlive};
        for (const QByteArray &request : requests) {
            const auto r = rawUpgrade(request);
            QVERIFY(r);
            QVERIFY2(r->status == 101, request.constData());
        }
    }

    void disallowedOriginIsRefused()
    {
        QVERIFY(start()); // corsOrigins empty: no browser origin is allowed
        auto r = rawUpgrade(upgradeRequest("/ws", "Origin: https://evil.example\r\n"
                                                  "X-Request-Id: origin-check\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 403);
        QCOMPARE(errorCode(*r), QStringLiteral("ORIGIN_NOT_ALLOWED"));
        QCOMPARE(r->header("x-request-id"), QByteArray("origin-check"));
        QVERIFY(r->header("access-control-allow-origin").isEmpty());

        r = rawUpgrade(upgradeRequest("/socket.io/?transport=websocket", "Origin: null\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 403);

        // A browser client with an Origin is refused the same way.
        WsClient browser(QStringLiteral("https://evil.example"));
        QVERIFY(!browser.open(port()));
        QCOMPARE(healthConnections(port()), 0);
    }

    void allowedOriginIsAccepted()
    {
        QVERIFY(
            start([](Settings &s) { s.corsOrigins = {QStringLiteral("https://app.example")}; }));
        const auto r = rawUpgrade(upgradeRequest("/ws", "Origin: https://app.example\r\n"));
        QVERIFY(r);
        QCOMPARE(r->status, 101);
        WsClient browser(QStringLiteral("https://app.example"));
        QVERIFY(browser.open(port()));
        QVERIFY(!browser.waitFor(QStringLiteral("welcome")).isEmpty());
    }

    void wrongHostIsRefused()
    {
        QVERIFY(start());
        const auto r =
            rawUpgrade(upgradeRequest("/ws", "X-Request-Id: host-check\r\n", "evil.example"));
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QCOMPARE(errorCode(*r), QStringLiteral("HOST_NOT_ALLOWED"));
        QCOMPARE(r->header("x-request-id"), QByteArray("host-check"));
        QVERIFY(!r->header("x-content-type-options").isEmpty()); // security headers too
    }

    void upgradeGoesThroughRouting()
    {
        QVERIFY(start());
        // Unknown path: 404, never a handshake.
        auto r = rawUpgrade(upgradeRequest("/wsx"));
        QVERIFY(r);
        QCOMPARE(r->status, 404);
        // The route exists for GET only.
        RawClient post(port());
        post.send("POST /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                  "Connection: Upgrade\r\nSec-WebSocket-Key: " +
                  kKey + "\r\nSec-WebSocket-Version: 13\r\nContent-Length: 0\r\n\r\n");
        r = post.read();
        QVERIFY(r);
        QCOMPARE(r->status, 405);
        QVERIFY(r->header("allow").startsWith("GET"));
        // A plain GET on a WebSocket endpoint.
        r = RawClient::get(port(), "/ws", "X-Request-Id: plain-get\r\n");
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QCOMPARE(r->header("x-request-id"), QByteArray("plain-get"));
        // A request id that is not acceptable is replaced, also on an upgrade refusal.
        r = rawUpgrade(upgradeRequest("/ws", "X-Request-Id: bad id!\r\n", "evil.example"));
        QVERIFY(r);
        QCOMPARE(r->status, 400);
        QVERIFY(!r->header("x-request-id").isEmpty());
        QVERIFY(r->header("x-request-id") != "bad id!");
    }

    void badHandshakesAreAnswered_data()
    {
        QTest::addColumn<QByteArray>("request");
        QTest::addColumn<bool>("versionHeader");
        QTest::newRow("no key") << upgradeRequest("/ws", {}, "localhost", {}) << false;
        // Input that is never read must not turn the close into a reset that eats the answer.
        QTest::newRow("key not base64")
            << upgradeRequest("/ws", {}, "localhost", "not base64!!") << false;
        QTest::newRow("key too short")
            << upgradeRequest("/ws", {}, "localhost", "c2hvcnQ=") << false;
        QTest::newRow("two keys") << upgradeRequest("/ws", "Sec-WebSocket-Key: " + kKey + "\r\n")
                                  << false;
        QTest::newRow("no version")
            << upgradeRequest("/ws", {}, "localhost", kKey, QByteArray()) << true;
        QTest::newRow("version 8") << upgradeRequest("/ws", {}, "localhost", kKey, "8") << true;
        QTest::newRow("version junk")
            << upgradeRequest("/ws", {}, "localhost", kKey, "13, x") << true;
        QTest::newRow("bare LF") << QByteArray(
                                        "GET /ws HTTP/1.1\nHost: localhost\nUpgrade: websocket\n"
                                        "Connection: Upgrade\nSec-WebSocket-Key: " +
                                        kKey + "\nSec-WebSocket-Version: 13\n\n")
                                 << false;
        QTest::newRow("header line over 8 KiB")
            << upgradeRequest("/ws", "X-Long: " + QByteArray(9000, 'a') + "\r\n") << false;
        QTest::newRow("head")
            << QByteArray("HEAD /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: " +
                          kKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << false;
        QTest::newRow("http/1.0")
            << QByteArray("GET /ws HTTP/1.0\r\nHost: localhost\r\nUpgrade: websocket\r\n"
                          "Connection: Upgrade\r\nSec-WebSocket-Key: " +
                          kKey + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
            << false;
    }
    void badHandshakesAreAnswered()
    {
        QFETCH(QByteArray, request);
        QFETCH(bool, versionHeader);
        QVERIFY(start([](Settings &s) { s.maxConnections = 2; }));
        // More bad handshakes than connection slots: each must be answered and free its slot.
        // A leaked slot would make every later attempt a 503.
        for (int i = 0; i < 6; ++i) {
            const auto r = exchange(port(), request, request.startsWith("HEAD"));
            QVERIFY2(r, "the server did not answer a bad handshake");
            QVERIFY2(r->status == 400, QByteArray::number(r->status).constData());
            QVERIFY(!r->header("x-request-id").isEmpty());
            if (!request.startsWith("HEAD"))
                QCOMPARE(errorCode(*r), QStringLiteral("BAD_REQUEST"));
            if (versionHeader)
                QCOMPARE(r->header("sec-websocket-version"), QByteArray("13"));
        }
        // The slots are free again: an ordinary request and a good handshake both succeed.
        QCOMPARE(statusOf(port(), "/health/live"), 200);
        WsClient good;
        QVERIFY(openWhenASlotIsFree(good, port()));
        QVERIFY(!good.waitFor(QStringLiteral("welcome")).isEmpty());
        QVERIFY(good.roundTrip());
    }

    void abandonedHandshakesFreeTheirSlots()
    {
        QVERIFY(start([](Settings &s) { s.maxConnections = 8; }));
        // Clients that leave at every moment of the handshake, four at a time.
        for (int round = 0; round < 10; ++round) {
            std::vector<std::unique_ptr<RawClient>> clients;
            for (int i = 0; i < 4; ++i) {
                clients.push_back(std::make_unique<RawClient>(port()));
                clients.back()->send(upgradeRequest("/ws"));
            }
            switch (round % 3) {
            case 0: // gone before (or while) the server answers
                break;
            case 1: // gone right after the 101
                for (auto &c : clients)
                    c->read(5000);
                break;
            case 2: // a frame that is cut off, then gone
                for (auto &c : clients)
                    c->send("\x81\xfe\x10");
                break;
            }
            for (auto &c : clients)
                c->socket().abort();
        }
        QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 0, 10000);
        // Every slot is free again.
        std::vector<std::unique_ptr<WsClient>> all;
        for (int i = 0; i < 8; ++i) {
            all.push_back(std::make_unique<WsClient>());
            QVERIFY(openWhenASlotIsFree(*all.back(), port()));
            QVERIFY(all.back()->roundTrip());
        }
    }

    void oversizedMessagesCloseTheSocket()
    {
        QVERIFY(start());
        // Exactly at the limit: fine.
        WsClient edge;
        QVERIFY(edge.open(port()));
        const QByteArray prefix = "{\"type\":\"ping\",\"id\":1,\"pad\":\"";
        const QByteArray atLimit = prefix + QByteArray(65536 - prefix.size() - 2, 'x') + "\"}";
        QCOMPARE(atLimit.size(), 65536);
        edge.sendRaw(QString::fromLatin1(atLimit));
        QCOMPARE(edge.waitFor(QStringLiteral("pong")).value(QStringLiteral("id")).toInt(), 1);

        // Above it: closed (1009, or at least disconnected), and the server lives on.
        WsClient text;
        QVERIFY(text.open(port()));
        text.sendRaw(QString(70 * 1024, QLatin1Char('x')));
        QVERIFY(text.waitClosed());
        QVERIFY2(text.closeCode() == 1009 || text.closeCode() == 1006 || text.closeCode() == 1000,
                 QByteArray::number(text.closeCode()).constData());

        WsClient binary;
        QVERIFY(binary.open(port()));
        binary.socket().sendBinaryMessage(QByteArray(200 * 1024, '\0'));
        QVERIFY(binary.waitClosed());

        WsClient after;
        QVERIFY(after.open(port()));
        QVERIFY(after.roundTrip());
        QVERIFY(edge.roundTrip());
        QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 2, 10000);
    }

    void slowConsumerIsDropped()
    {
        QVERIFY(start([](Settings &s) {
            s.workers = 1;
            s.wsSendQueueBytes = 64 * 1024;
        }));
        SlowClient slow;
        QVERIFY(slow.connectTo(port()));
        QVERIFY(slow.handshake());
        auto m = slow.readMessage();
        QVERIFY(m);
        QCOMPARE(m->value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
        slow.sendJson({{QStringLiteral("type"), QStringLiteral("auth")},
                       {QStringLiteral("token"), QStringLiteral("dev")}});
        m = slow.readMessage();
        QVERIFY(m);
        QCOMPARE(m->value(QStringLiteral("authenticated")), QJsonValue(true));
        slow.sendJson({{QStringLiteral("type"), QStringLiteral("subscribe")},
                       {QStringLiteral("channel"), QStringLiteral("metrics")}});
        m = slow.readMessage();
        QVERIFY(m);
        QCOMPARE(m->value(QStringLiteral("type")).toString(), QStringLiteral("subscribed"));
        // From here on the slow client reads nothing.

        WsClient fast;
        QVERIFY(fast.open(port()));
        QVERIFY(fast.authenticate("dev"));
        QVERIFY(fast.subscribe(QStringLiteral("metrics")));
        WsHub *hub = m_server->engine().hub();
        QCOMPARE(hub->connectionCount(), 2);

        const QString blob(32 * 1024, QLatin1Char('m'));
        int sent = 0;
        bool dropped = false;
        for (; sent < 800 && !dropped; ++sent) {
            hub->publish(QStringLiteral("metrics"),
                         {{QStringLiteral("seq"), sent}, {QStringLiteral("blob"), blob}});
            const int expected = sent + 1;
            QVERIFY2(QTest::qWaitFor(
                         [&] {
                             return fast.messagesOfType(QStringLiteral("metrics")).size() ==
                                    expected;
                         },
                         5000),
                     "the fast client stopped receiving");
            dropped = hub->connectionCount() == 1;
        }
        QVERIFY2(dropped, "the slow consumer was never dropped");
        qInfo("slow consumer dropped after %d messages of 32 KiB", sent);

        // The fast client got everything, in order, and is still connected.
        const QList<QJsonObject> got = fast.messagesOfType(QStringLiteral("metrics"));
        for (int i = 0; i < got.size(); ++i)
            QCOMPARE(got.at(i).value(QStringLiteral("seq")).toInt(), i);
        QVERIFY(fast.roundTrip());
        QVERIFY(slow.waitForServerClose(10000));
        QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 1, 10000);
    }

    void healthCountsConnections()
    {
        QVERIFY(start());
        QCOMPARE(healthConnections(port()), 0);
        {
            WsClient a, b, c;
            QVERIFY(a.open(port()));
            QVERIFY(b.open(port(), QStringLiteral("/api/websocket")));
            QVERIFY(c.open(port(), QStringLiteral("/socket.io/?transport=websocket")));
            for (WsClient *w : {&a, &b, &c})
                QVERIFY(!w->waitFor(QStringLiteral("welcome")).isEmpty());
            QCOMPARE(healthConnections(port()), 3);
            const auto api = RawClient::get(port(), "/api/health/websocket");
            QVERIFY(api);
            QCOMPARE(api->json().value(QStringLiteral("websocket")).toString(),
                     QStringLiteral("ready"));
            QCOMPARE(api->json().value(QStringLiteral("connections")).toInt(), 3);
            a.socket().close();
            QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 2, 10000);
            b.socket().abort();
            QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 1, 10000);
        }
        QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 0, 10000);
    }

    void connectionSlotsComeBack()
    {
        QVERIFY(start([](Settings &s) { s.maxConnections = 4; }));
        for (int round = 0; round < 3; ++round) {
            WsClient w1, w2, w3, w4;
            for (WsClient *w : {&w1, &w2, &w3, &w4}) {
                QVERIFY(openWhenASlotIsFree(*w, port()));
                QVERIFY(w->roundTrip());
            }
            // All four slots taken: the listener answers 503 at once and closes (nothing is
            // sent first: unread request bytes would turn its close into a reset).
            RawClient overLimit(port());
            const auto r = overLimit.read();
            QVERIFY(r);
            QCOMPARE(r->status, 503);
            if (round == 1) {
                for (WsClient *w : {&w1, &w2, &w3, &w4})
                    w->socket().abort();
            }
        }
        QTRY_COMPARE_WITH_TIMEOUT(healthConnections(port()), 0, 10000);
    }

    void gracefulShutdownCloses1001()
    {
        QVERIFY(start());
        WsClient a, b;
        QVERIFY(a.open(port()));
        QVERIFY(b.open(port()));
        QVERIFY(b.authenticate("dev"));
        QVERIFY(b.subscribe(QStringLiteral("metrics")));
        QSignalSpy stopped(&m_server->engine(), &Engine::stopped);
        m_server->engine().shutdown();
        QVERIFY(a.waitClosed());
        QVERIFY(b.waitClosed());
        QCOMPARE(a.closeCode(), 1001);
        QCOMPARE(b.closeCode(), 1001);
        QVERIFY(stopped.count() == 1 || stopped.wait(10000));
        QCOMPARE(stopped.count(), 1);
        QVERIFY(!m_server->engine().isRunning());
    }

    void shutdownDropsAClientThatDoesNotRead()
    {
        // A client with a full send queue cannot complete the closing handshake: shutdown must
        // still finish (after shutdownTimeoutMs), not wait for it forever.
        QVERIFY(start([](Settings &s) {
            s.workers = 1;
            s.wsSendQueueBytes = 1 << 30; // never dropped for being slow
            s.shutdownTimeoutMs = 300;
        }));
        SlowClient slow;
        WsClient fast;
        QVERIFY(backUpASlowClient(slow, fast, "dev", 160)); // ~10 MiB: more than kernel buffers

        QSignalSpy stopped(&m_server->engine(), &Engine::stopped);
        m_server->engine().shutdown();
        QVERIFY(fast.waitClosed());
        QCOMPARE(fast.closeCode(), 1001);
        QVERIFY2(stopped.count() == 1 || stopped.wait(10000), "shutdown never finished");
        QVERIFY(slow.waitForServerClose(5000));
    }

    void closingHandshakeHasADeadline()
    {
        // A token expires on a socket whose client does not read: the 4001 close cannot
        // complete, so the socket is dropped after the close grace (read from the clock).
        auto clock = std::make_shared<ManualClock>();
        QVERIFY(start(
            [](Settings &s) {
                s.workers = 1;
                s.wsSendQueueBytes = 1 << 30;
            },
            clock));
        SlowClient slow;
        WsClient fast;
        QVERIFY(backUpASlowClient(slow, fast, "short", 160));
        // An unauthenticated socket: once the sweep closes it, the sweep has seen the clock.
        WsClient probe;
        QVERIFY(probe.open(port()));
        QVERIFY(probe.roundTrip());
        WsHub *hub = m_server->engine().hub();
        QCOMPARE(hub->connectionCount(), 3);
        clock->advance(61000); // the token has expired (and the probe's auth time is over)
        QVERIFY(probe.waitClosed(10000));
        QCOMPARE(probe.closeCode(), 4001);
        QVERIFY(fast.roundTrip());
        QTRY_COMPARE_WITH_TIMEOUT(hub->connectionCount(), 2, 10000); // the probe's session
        QCOMPARE(hub->connectionCount(), 2); // the slow one: closing, not yet dropped
        clock->advance(6000);                // past the close grace
        QTRY_COMPARE_WITH_TIMEOUT(hub->connectionCount(), 1, 10000);
        QVERIFY(slow.waitForServerClose(5000));
        QVERIFY(fast.roundTrip());
    }
};

QTEST_GUILESS_MAIN(tst_WsServer)
#include "tst_ws_server.moc"
