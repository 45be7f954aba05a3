// The WebSocket protocol of CONTRACT §9 over real sockets: upgrade paths, welcome, ping/pong,
// in-band and ?token= authentication, the auth timeout, subscriptions and who may have them,
// fan-out of published messages, token expiry and re-authentication.

#include "TestServer.h"
#include "WsTestSupport.h"

#include "ws/WsHub.h"

#include <QJsonArray>
#include <QRegularExpression>
#include <QTest>

using namespace cr;

namespace {

const QString kDep1 = QStringLiteral("0f8fad5b-d9cb-469f-a165-70867728950e");
const QString kDep2 = QStringLiteral("7c9e6679-7425-40de-944b-e07fc1f90ae7");

QJsonObject type(const char *t)
{
    return {{QStringLiteral("type"), QString::fromLatin1(t)}};
}

QJsonObject with(QJsonObject o, const char *key, const QJsonValue &value)
{
    o.insert(QString::fromLatin1(key), value);
    return o;
}

QString code(const QJsonObject &m)
{
    return m.value(QStringLiteral("code")).toString();
}

} // namespace

class tst_WsProtocol : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::shared_ptr<ManualClock> m_clock;

    // Starts a server with a fake authenticator; `edit` adjusts the settings first.
    bool start(const std::function<void(Settings &)> &edit = {}, bool manualClock = false)
    {
        Settings s = TestServer::defaults();
        if (edit)
            edit(s);
        m_clock = manualClock ? std::make_shared<ManualClock>() : nullptr;
        m_server = std::make_unique<TestServer>(s, m_clock);
        m_server->setAuthenticator(std::make_shared<FakeAuthenticator>(
            m_clock ? static_cast<const Clock *>(m_clock.get()) : &m_systemClock));
        return m_server->start();
    }
    quint16 port() const { return m_server->port(); }
    SystemClock m_systemClock;

private Q_SLOTS:
    void cleanup()
    {
        m_server.reset();
        m_clock.reset();
    }

    void upgradePaths_data()
    {
        QTest::addColumn<QString>("path");
        QTest::newRow("/ws") << QStringLiteral("/ws");
        QTest::newRow("/api/websocket") << QStringLiteral("/api/websocket");
        QTest::newRow("socket.io") << QStringLiteral("/socket.io/?transport=websocket");
        QTest::newRow("socket.io EIO") << QStringLiteral("/socket.io/?EIO=4&transport=websocket");
    }
    void upgradePaths()
    {
        QFETCH(QString, path);
        QVERIFY(start());
        WsClient c;
        QVERIFY2(c.open(port(), path), qPrintable(c.socket().errorString()));
        // The server speaks first.
        const QJsonObject welcome = c.next();
        QCOMPARE(welcome.value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
        QCOMPARE(welcome.value(QStringLiteral("authenticated")), QJsonValue(false));
        QCOMPARE(welcome.value(QStringLiteral("authTimeoutMs")).toInt(), 30000);
        QVERIFY(QRegularExpression(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"))
                    .match(welcome.value(QStringLiteral("timestamp")).toString())
                    .hasMatch());
        QVERIFY(c.roundTrip());
    }

    void pingPong()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        QVERIFY(!c.waitFor(QStringLiteral("welcome")).isEmpty());

        c.send(with(type("ping"), "id", 7));
        QJsonObject pong = c.waitFor(QStringLiteral("pong"));
        QCOMPARE(pong.value(QStringLiteral("id")), QJsonValue(7));
        QVERIFY(pong.contains(QStringLiteral("timestamp")));

        c.send(with(type("ping"), "id", QStringLiteral("abc")));
        pong = c.waitFor(QStringLiteral("pong"));
        QCOMPARE(pong.value(QStringLiteral("id")), QJsonValue(QStringLiteral("abc")));

        c.send(type("ping"));
        pong = c.waitFor(QStringLiteral("pong"));
        QVERIFY(!pong.isEmpty());
        QVERIFY(!pong.contains(QStringLiteral("id")));
    }

    void badMessages()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        QVERIFY(!c.waitFor(QStringLiteral("welcome")).isEmpty());

        c.sendRaw(QStringLiteral("{not json"));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("INVALID_JSON"));
        c.sendRaw(QStringLiteral("[1,2]"));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("INVALID_JSON"));
        c.send(type("dance"));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
        c.send(QJsonObject{{QStringLiteral("type"), 5}});
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
        c.socket().sendBinaryMessage("\x01\x02");
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
        // Still open.
        QVERIFY(c.roundTrip());
    }

    void unauthenticatedSocketIsClosedAfterTimeout()
    {
        QVERIFY(start([](Settings &s) { s.wsAuthTimeoutMs = 300; }));
        WsClient c;
        QVERIFY(c.open(port()));
        const QJsonObject welcome = c.waitFor(QStringLiteral("welcome"));
        QCOMPARE(welcome.value(QStringLiteral("authTimeoutMs")).toInt(), 300);
        // Pings do not count as authentication.
        QVERIFY(c.roundTrip());
        QVERIFY(c.waitClosed(5000));
        QCOMPARE(c.closeCode(), 4001);
    }

    void authenticatedSocketOutlivesTheAuthTimeout()
    {
        // One worker and a manual clock: when the unauthenticated socket is closed the sweep
        // has seen the advanced clock, so the authenticated one must still be open.
        QVERIFY(start(
            [](Settings &s) {
                s.workers = 1;
                s.wsAuthTimeoutMs = 1000;
            },
            true));
        WsClient authed, anonymous;
        QVERIFY(authed.open(port()));
        QVERIFY(anonymous.open(port()));
        QVERIFY(authed.authenticate("dev"));
        QVERIFY(!anonymous.waitFor(QStringLiteral("welcome")).isEmpty());
        m_clock->advance(1500);
        QVERIFY(anonymous.waitClosed());
        QCOMPARE(anonymous.closeCode(), 4001);
        QVERIFY(authed.roundTrip());
        QCOMPARE(authed.socket().state(), QAbstractSocket::ConnectedState);
    }

    void unauthenticatedSubscribeIsRefused()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        c.send(with(type("subscribe"), "channel", QStringLiteral("metrics")));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("UNAUTHORIZED"));
        c.send(with(type("unsubscribe"), "channel", QStringLiteral("metrics")));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("UNAUTHORIZED"));
        QVERIFY(c.roundTrip());
        QVERIFY(c.messagesOfType(QStringLiteral("subscribed")).isEmpty());
    }

    void badTokenClosesWith4001()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        c.send(with(type("auth"), "token", QStringLiteral("nope")));
        const QJsonObject error = c.waitFor(QStringLiteral("error"));
        QCOMPARE(code(error), QStringLiteral("UNAUTHORIZED"));
        QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
        QVERIFY(c.waitClosed());
        QCOMPARE(c.closeCode(), 4001);
    }

    void expiredTokenSaysSo()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        c.send(with(type("auth"), "token", QStringLiteral("expired")));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("TOKEN_EXPIRED"));
        QVERIFY(c.waitClosed());
        QCOMPARE(c.closeCode(), 4001);
    }

    void authWithoutTokenIsAValidationError()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        c.send(type("auth"));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
        c.send(with(type("auth"), "token", 42));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
        QVERIFY(c.roundTrip());
    }

    void goodTokenAuthenticates()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        QCOMPARE(c.next().value(QStringLiteral("authenticated")), QJsonValue(false));
        c.send(with(type("auth"), "token", QStringLiteral("dev")));
        const QJsonObject welcome = c.waitFor(QStringLiteral("welcome"));
        QCOMPARE(welcome.value(QStringLiteral("authenticated")), QJsonValue(true));
        QCOMPARE(welcome.value(QStringLiteral("role")).toString(), QStringLiteral("developer"));
        QCOMPARE(welcome.value(QStringLiteral("userId")).toString(), QStringLiteral("u-dev"));
        QVERIFY(c.subscribe(QStringLiteral("metrics")));
    }

    void tokenInTheUrl()
    {
        QVERIFY(start());
        WsClient good;
        QVERIFY(good.open(port(), QStringLiteral("/ws?token=op")));
        QCOMPARE(good.next().value(QStringLiteral("authenticated")), QJsonValue(false));
        const QJsonObject welcome = good.next();
        QCOMPARE(welcome.value(QStringLiteral("type")).toString(), QStringLiteral("welcome"));
        QCOMPARE(welcome.value(QStringLiteral("authenticated")), QJsonValue(true));
        QCOMPARE(welcome.value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        QVERIFY(good.subscribe(QStringLiteral("security")));

        WsClient v2;
        QVERIFY(v2.open(port(), QStringLiteral("/socket.io/?transport=websocket&token=dev")));
        QVERIFY(v2.subscribe(QStringLiteral("metrics")));

        WsClient bad;
        QVERIFY(bad.open(port(), QStringLiteral("/ws?token=nope")));
        QCOMPARE(code(bad.waitFor(QStringLiteral("error"))), QStringLiteral("UNAUTHORIZED"));
        QVERIFY(bad.waitClosed());
        QCOMPARE(bad.closeCode(), 4001);
    }

    void subscriptionBookkeeping()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        QVERIFY(c.authenticate("dev"));

        c.send(with(type("subscribe"), "channel", QStringLiteral("metrics")));
        QJsonObject r = c.waitFor(QStringLiteral("subscribed"));
        QCOMPARE(r.value(QStringLiteral("channel")).toString(), QStringLiteral("metrics"));
        c.send(with(type("unsubscribe"), "channel", QStringLiteral("metrics")));
        r = c.waitFor(QStringLiteral("unsubscribed"));
        QCOMPARE(r.value(QStringLiteral("channel")).toString(), QStringLiteral("metrics"));

        for (const char *channel : {"executions", "alerts"})
            QVERIFY2(c.subscribe(QString::fromLatin1(channel)), channel);

        // Unknown or missing channel.
        c.send(with(type("subscribe"), "channel", QStringLiteral("nope")));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
        c.send(type("subscribe"));
        QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));

        // Operator-only channels.
        for (const char *channel : {"security", "ratelimit"}) {
            c.send(with(type("subscribe"), "channel", QString::fromLatin1(channel)));
            QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("FORBIDDEN"));
        }

        // Per-deployment channels need a deployment UUID.
        for (const char *channel : {"logs", "status"}) {
            const QJsonObject sub =
                with(type("subscribe"), "channel", QString::fromLatin1(channel));
            c.send(sub);
            QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
            c.send(with(sub, "deployment", QStringLiteral("abc")));
            QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
            c.send(with(sub, "deployment", QString(u'{' + kDep1 + u'}')));
            QCOMPARE(code(c.waitFor(QStringLiteral("error"))), QStringLiteral("VALIDATION_ERROR"));
            c.send(with(sub, "deployment", kDep1.toUpper()));
            r = c.waitFor(QStringLiteral("subscribed"));
            QCOMPARE(r.value(QStringLiteral("channel")).toString(), QString::fromLatin1(channel));
            QCOMPARE(r.value(QStringLiteral("deployment")).toString(), kDep1);
        }

        WsClient op;
        QVERIFY(op.open(port()));
        QVERIFY(op.authenticate("op"));
        QVERIFY(op.subscribe(QStringLiteral("security")));
        QVERIFY(op.subscribe(QStringLiteral("ratelimit")));

        WsClient viewer;
        QVERIFY(viewer.open(port()));
        QVERIFY(viewer.authenticate("viewer"));
        QVERIFY(viewer.subscribe(QStringLiteral("metrics")));
        viewer.send(with(type("subscribe"), "channel", QStringLiteral("security")));
        QCOMPARE(code(viewer.waitFor(QStringLiteral("error"))), QStringLiteral("FORBIDDEN"));
    }

    void subscriptionsAreBounded()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        QVERIFY(c.authenticate("dev"));
        int accepted = 0;
        QJsonObject refusal;
        for (int i = 0; i < 200 && refusal.isEmpty(); ++i) {
            const QString id =
                QStringLiteral("00000000-0000-4000-8000-%1").arg(i + 1, 12, 10, QLatin1Char('0'));
            c.send(
                with(with(type("subscribe"), "channel", QStringLiteral("logs")), "deployment", id));
            const QJsonObject r = c.next();
            if (r.value(QStringLiteral("type")).toString() == u"subscribed")
                ++accepted;
            else
                refusal = r;
        }
        QCOMPARE(accepted, 100);
        QCOMPARE(code(refusal), QStringLiteral("VALIDATION_ERROR"));
        // Re-subscribing to something held is not a new subscription.
        QVERIFY(c.subscribe(QStringLiteral("logs"),
                            QStringLiteral("00000000-0000-4000-8000-000000000001")));
        c.send(with(type("unsubscribe"), "channel", QStringLiteral("metrics")));
        QVERIFY(!c.waitFor(QStringLiteral("unsubscribed")).isEmpty());
    }

    void publishReachesExactlyTheSubscribers()
    {
        QVERIFY(start()); // two workers: clients spread over both endpoints
        WsClient metrics, logs1, logs2, status1, none, unsubscribed;
        for (WsClient *c : {&metrics, &logs1, &logs2, &status1, &none, &unsubscribed}) {
            QVERIFY(c->open(port()));
            QVERIFY(c->authenticate("dev"));
        }
        QVERIFY(metrics.subscribe(QStringLiteral("metrics")));
        QVERIFY(logs1.subscribe(QStringLiteral("logs"), kDep1));
        QVERIFY(logs2.subscribe(QStringLiteral("logs"), kDep2));
        QVERIFY(status1.subscribe(QStringLiteral("status"), kDep1));
        QVERIFY(unsubscribed.subscribe(QStringLiteral("metrics")));
        unsubscribed.send(with(type("unsubscribe"), "channel", QStringLiteral("metrics")));
        QVERIFY(!unsubscribed.waitFor(QStringLiteral("unsubscribed")).isEmpty());

        WsHub *hub = m_server->engine().hub();
        hub->publish(QStringLiteral("metrics"), {{QStringLiteral("cpu"), 0.5}});
        // The publisher may spell the id in upper case.
        hub->publish(QStringLiteral("logs"), {{QStringLiteral("line"), QStringLiteral("hello")}},
                     kDep1.toUpper());
        hub->publish(QStringLiteral("status"), {{QStringLiteral("state"), QStringLiteral("up")}},
                     kDep1);
        // Nobody is subscribed to these.
        hub->publish(QStringLiteral("alerts"), {{QStringLiteral("x"), 1}});
        hub->publish(QStringLiteral("logs"), {{QStringLiteral("line"), QStringLiteral("other")}},
                     QStringLiteral("11111111-1111-4111-8111-111111111111"));

        const QJsonObject m = metrics.waitFor(QStringLiteral("metrics"));
        QCOMPARE(m.value(QStringLiteral("channel")).toString(), QStringLiteral("metrics"));
        QCOMPARE(m.value(QStringLiteral("cpu")).toDouble(), 0.5);
        QVERIFY(m.contains(QStringLiteral("timestamp")));
        const QJsonObject l = logs1.waitFor(QStringLiteral("logs"));
        QCOMPARE(l.value(QStringLiteral("line")).toString(), QStringLiteral("hello"));
        QCOMPARE(l.value(QStringLiteral("deployment")).toString(), kDep1);
        const QJsonObject s = status1.waitFor(QStringLiteral("status"));
        QCOMPARE(s.value(QStringLiteral("state")).toString(), QStringLiteral("up"));

        // A round trip on every socket: anything else published would have arrived by now.
        for (WsClient *c : {&metrics, &logs1, &logs2, &status1, &none, &unsubscribed})
            QVERIFY(c->roundTrip());
        for (const char *channel : {"metrics", "logs", "status", "alerts"}) {
            const QString t = QString::fromLatin1(channel);
            QCOMPARE(metrics.messagesOfType(t).size(), t == u"metrics" ? 1 : 0);
            QCOMPARE(logs1.messagesOfType(t).size(), t == u"logs" ? 1 : 0);
            QCOMPARE(logs2.messagesOfType(t).size(), 0);
            QCOMPARE(status1.messagesOfType(t).size(), t == u"status" ? 1 : 0);
            QCOMPARE(none.messagesOfType(t).size(), 0);
            QCOMPARE(unsubscribed.messagesOfType(t).size(), 0);
        }
    }

    void manyMessagesArriveInOrder()
    {
        QVERIFY(start());
        WsClient a, b;
        for (WsClient *c : {&a, &b}) {
            QVERIFY(c->open(port()));
            QVERIFY(c->authenticate("dev"));
            QVERIFY(c->subscribe(QStringLiteral("executions")));
        }
        WsHub *hub = m_server->engine().hub();
        for (int i = 0; i < 200; ++i)
            hub->publish(QStringLiteral("executions"), {{QStringLiteral("seq"), i}});
        for (WsClient *c : {&a, &b}) {
            QVERIFY(QTest::qWaitFor(
                [c] { return c->messagesOfType(QStringLiteral("executions")).size() == 200; },
                10000));
            const QList<QJsonObject> got = c->messagesOfType(QStringLiteral("executions"));
            for (int i = 0; i < got.size(); ++i)
                QCOMPARE(got.at(i).value(QStringLiteral("seq")).toInt(), i);
        }
    }

    void tokenExpiryCloses()
    {
        QVERIFY(start([](Settings &s) { s.workers = 1; }, true));
        WsClient c;
        QVERIFY(c.open(port()));
        QVERIFY(c.authenticate("short")); // expires 60 s after now (manual clock)
        QVERIFY(c.subscribe(QStringLiteral("metrics")));
        m_clock->advance(30000);
        QVERIFY(c.roundTrip());
        QCOMPARE(c.socket().state(), QAbstractSocket::ConnectedState);
        m_clock->advance(31000);
        QVERIFY(c.waitClosed());
        QCOMPARE(c.closeCode(), 4001);
    }

    void reauthenticationDropsWhatIsNoLongerAllowed()
    {
        QVERIFY(start());
        WsClient c;
        QVERIFY(c.open(port()));
        QVERIFY(c.authenticate("op"));
        QVERIFY(c.subscribe(QStringLiteral("security")));
        QVERIFY(c.subscribe(QStringLiteral("metrics")));
        // Same account, lower role: keeps metrics, loses security.
        QVERIFY(c.authenticate("op-demoted"));
        WsHub *hub = m_server->engine().hub();
        hub->publish(QStringLiteral("security"), {{QStringLiteral("event"), 1}});
        hub->publish(QStringLiteral("metrics"), {{QStringLiteral("cpu"), 1}});
        QVERIFY(!c.waitFor(QStringLiteral("metrics")).isEmpty());
        QVERIFY(c.roundTrip());
        QVERIFY(c.messagesOfType(QStringLiteral("security")).isEmpty());

        // Another account starts with no subscriptions.
        QVERIFY(c.authenticate("dev2"));
        hub->publish(QStringLiteral("metrics"), {{QStringLiteral("cpu"), 2}});
        QVERIFY(c.roundTrip());
        QCOMPARE(c.messagesOfType(QStringLiteral("metrics")).size(), 1);

        // A bad token on an authenticated socket still closes it.
        c.send(with(type("auth"), "token", QStringLiteral("nope")));
        QVERIFY(c.waitClosed());
        QCOMPARE(c.closeCode(), 4001);
    }
};

QTEST_GUILESS_MAIN(tst_WsProtocol)
#include "tst_ws_protocol.moc"
