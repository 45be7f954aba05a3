// /metrics, /api/admin/telemetry and the WebSocket metrics channel on a real server.

#include "FakeAuthenticator.h"
#include "RawClient.h"
#include "TestServer.h"
#include "WsTestSupport.h"
#include "http/Reply.h"
#include "http/Router.h"
#include "telemetry/TelemetryService.h"

#include <QJsonArray>
#include <QTest>
#include <QUuid>

using namespace cr;

namespace {

std::optional<RawClient::Response> get(quint16 port, const QByteArray &path,
                                       const QByteArray &token = QByteArray())
{
    return RawClient::get(port, path,
                          token.isEmpty() ? QByteArray()
                                          : QByteArray("Authorization: Bearer " + token + "\r\n"));
}

// The value of one sample line of the exposition ("name{labels} value"), or -1.
double sample(const QByteArray &text, const QByteArray &series)
{
    const QByteArray prefix = QByteArray(series + ' ');
    for (const QByteArray &line : text.split('\n')) {
        if (line.startsWith(prefix))
            return line.mid(series.size() + 1).toDouble();
    }
    return -1;
}

// The field named first in a VALIDATION_ERROR's `fields`.
QString firstBadField(const RawClient::Response &r)
{
    const QJsonArray fields = r.json().value(u"error").toObject().value(u"fields").toArray();
    return fields.at(0).toObject().value(u"field").toString();
}

void tick(Engine &engine)
{
    QMetaObject::invokeMethod(engine.telemetry(), &TelemetryService::tick,
                              Qt::BlockingQueuedConnection);
}

} // namespace

class TelemetryServerTest : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> start(Settings settings = TestServer::defaults())
    {
        auto server = std::make_unique<TestServer>(settings);
        server->setAuthenticator(std::make_shared<FakeAuthenticator>());
        server->setExtraRoutes([](Router &router) {
            Route item;
            item.pattern = QStringLiteral("/api/items/:id<uuid>");
            item.handler = [](RequestContext &, Reply reply) {
                reply.ok({});
            };
            router.add(item);
        });
        if (!server->start())
            return nullptr;
        return server;
    }

private Q_SLOTS:
    void countsByRouteTemplate()
    {
        auto server = start(); // default allow-list: loopback
        QVERIFY(server);
        const quint16 port = server->port();
        QByteArray path;
        for (int i = 0; i < 3; ++i) {
            path = "/api/items/" + QUuid::createUuid().toString(QUuid::WithoutBraces).toLatin1();
            QCOMPARE(RawClient::get(port, path)->status, 200);
        }
        QCOMPARE(RawClient::get(port, "/no/such/path")->status, 404);
        QCOMPARE(RawClient::get(port, "/health")->status, 200);

        const auto r = get(port, "/metrics");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QVERIFY(r->header("content-type").startsWith("text/plain; version=0.0.4"));
        const QByteArray &text = r->body;
        QCOMPARE(sample(text, "coderunner_http_requests_total{method=\"GET\","
                              "route=\"/api/items/:id\",status=\"200\"}"),
                 3.0);
        QCOMPARE(sample(text, "coderunner_http_requests_total{method=\"GET\",route=\"unmatched\","
                              "status=\"404\"}"),
                 1.0);
        QCOMPARE(sample(text, "coderunner_http_requests_total{method=\"GET\",route=\"/health\","
                              "status=\"200\"}"),
                 1.0);
        QCOMPARE(sample(text,
                        "coderunner_http_request_duration_seconds_count{route=\"/api/items/:id\"}"),
                 3.0);
        QVERIFY(!text.contains(path)); // templates, never raw paths
        QCOMPARE(sample(text, "coderunner_http_requests_in_flight"), 1.0); // this scrape
        QVERIFY(sample(text, "process_resident_memory_bytes") > 0);
        QVERIFY(text.contains("coderunner_event_loop_lag_seconds{thread=\"cr-worker-0\"}"));
        QVERIFY(text.contains("coderunner_build_info{version=\""));

        // The scrape itself is counted once it is answered.
        const auto again = get(port, "/metrics");
        QCOMPARE(sample(again->body, "coderunner_http_requests_total{method=\"GET\","
                                     "route=\"/metrics\",status=\"200\"}"),
                 1.0);
    }

    void accessRule()
    {
        Settings s = TestServer::defaults();
        s.metricsAllowFrom = {QStringLiteral("none")};
        s.metricsToken = QStringLiteral("scrape-secret");
        auto server = start(s);
        QVERIFY(server);
        const quint16 port = server->port();
        QCOMPARE(get(port, "/metrics")->status, 401);
        QCOMPARE(get(port, "/metrics", "wrong-secret")->status, 401);
        QCOMPARE(get(port, "/metrics", "dev")->status, 403);
        QCOMPARE(get(port, "/metrics", "viewer")->status, 403);
        QCOMPARE(get(port, "/metrics", "op")->status, 200);
        QCOMPARE(get(port, "/metrics", "scrape-secret")->status, 200);
        QCOMPARE(get(port, "/metrics")->json().value(u"code").toString(),
                 QStringLiteral("UNAUTHORIZED"));

        // Loopback is allowed by default, but not once a trusted proxy is configured.
        Settings proxied = TestServer::defaults();
        proxied.trustedProxies = {QStringLiteral("10.0.0.1/32")};
        auto behindProxy = start(proxied);
        QVERIFY(behindProxy);
        QCOMPARE(get(behindProxy->port(), "/metrics")->status, 401);
        QCOMPARE(get(behindProxy->port(), "/metrics", "op")->status, 200);

        Settings listed = TestServer::defaults();
        listed.metricsAllowFrom = {QStringLiteral("127.0.0.1/32")};
        listed.trustedProxies = {QStringLiteral("10.0.0.1/32")};
        auto explicitList = start(listed);
        QVERIFY(explicitList);
        QCOMPARE(get(explicitList->port(), "/metrics")->status, 200);
    }

    void telemetryEndpoint()
    {
        auto server = start();
        QVERIFY(server);
        const quint16 port = server->port();
        QCOMPARE(RawClient::get(port, "/health")->status, 200);
        tick(server->engine());
        QCOMPARE(RawClient::get(port, "/health")->status, 200);
        tick(server->engine());

        auto r = get(port, "/api/admin/telemetry", "op");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        QJsonObject data = r->json().value(u"data").toObject();
        QCOMPARE(data.value(u"resolution").toString(), QStringLiteral("1s"));
        const QJsonArray points = data.value(u"points").toArray();
        QVERIFY(points.size() >= 2);
        double requests = 0;
        for (const QJsonValue &p : points)
            requests += p.toObject().value(u"requests").toDouble();
        QVERIFY(requests >= 2); // both /health calls (and nothing is counted twice)
        QVERIFY(points.last().toObject().contains(u"latencyMs"));
        QVERIFY(data.value(u"latest").toObject().contains(u"windows"));

        r = get(port, "/api/admin/telemetry?resolution=1m&since=2020-01-01T00:00:00Z", "op");
        QCOMPARE(r->status, 200);
        QCOMPARE(r->json().value(u"data").toObject().value(u"resolution").toString(),
                 QStringLiteral("1m"));
        r = get(port, "/api/admin/telemetry?since=4102444800000", "op"); // 2100: nothing yet
        QCOMPARE(r->status, 200);
        QVERIFY(r->json().value(u"data").toObject().value(u"points").toArray().isEmpty());

        r = get(port, "/api/admin/telemetry?resolution=5s", "op");
        QCOMPARE(r->status, 400);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(firstBadField(*r), QStringLiteral("resolution"));
        r = get(port, "/api/admin/telemetry?since=yesterday", "op");
        QCOMPARE(r->status, 400);
        QCOMPARE(firstBadField(*r), QStringLiteral("since"));

        QCOMPARE(get(port, "/api/admin/telemetry")->status, 401);
        QCOMPARE(get(port, "/api/admin/telemetry", "dev")->status, 403);
        QCOMPARE(get(port, "/api/admin/telemetry", "viewer")->status, 403);
    }

    void metricsChannel()
    {
        auto server = start();
        QVERIFY(server);
        WsClient client;
        QVERIFY(client.open(server->port()));
        QVERIFY(client.authenticate("viewer"));
        QVERIFY(client.subscribe(QStringLiteral("metrics")));
        tick(server->engine());
        const QJsonObject m = client.waitFor(QStringLiteral("metrics"));
        QCOMPARE(m.value(u"channel").toString(), QStringLiteral("metrics"));
        QVERIFY(m.contains(u"timestamp"));
        QVERIFY(m.value(u"windows").toObject().contains(u"10s"));
        QCOMPARE(m.value(u"webSocket").toObject().value(u"clients").toInt(), 1);
        // Messages in: auth, subscribe (and the round trip pings of the helper).
        const auto text = get(server->port(), "/metrics")->body;
        QVERIFY(sample(text, "coderunner_websocket_messages_total{direction=\"in\"}") >= 2);
        QCOMPARE(sample(text, "coderunner_websocket_connections"), 1.0);
    }

    void recordingOff()
    {
        Settings s = TestServer::defaults();
        s.metrics = false;
        auto server = start(s);
        QVERIFY(server);
        QCOMPARE(RawClient::get(server->port(), "/health")->status, 200);
        const auto r = get(server->port(), "/metrics");
        QCOMPARE(r->status, 200);
        QVERIFY(!r->body.contains("coderunner_http_requests_total{"));
        QVERIFY(r->body.contains("process_cpu_seconds_total"));
    }
};

QTEST_MAIN(TelemetryServerTest)
#include "tst_telemetry_server.moc"
