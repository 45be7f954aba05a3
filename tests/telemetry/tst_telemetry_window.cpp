// Telemetry windows, snapshot and history with a ManualClock: the clock moves, nothing sleeps.

#include "TelemetryTestRoutes.h"
#include "core/Clock.h"
#include "http/RequestObserver.h"
#include "http/Route.h"
#include "telemetry/Metrics.h"
#include "telemetry/StatusCounts.h"
#include "telemetry/TelemetryService.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTest>

#include <thread>

using namespace cr;

using cr::test::routeOf;

namespace {

std::vector<Route> routes()
{
    std::vector<Route> r;
    r.push_back(routeOf(Method::Get, "/health"));
    r.push_back(routeOf(Method::Get, "/api/items/:id<uuid>"));
    r.push_back(routeOf(Method::Delete, "/api/items/:id<uuid>"));
    return r;
}

QJsonObject window(const QJsonObject &snapshot, const char *name)
{
    return snapshot.value(u"windows").toObject().value(QLatin1String(name)).toObject();
}

QJsonObject routeIn(const QJsonObject &w, const QString &route)
{
    for (const QJsonValue &v : w.value(u"routes").toArray()) {
        if (v.toObject().value(u"route").toString() == route)
            return v.toObject();
    }
    return {};
}

} // namespace

class TelemetryWindowTest : public QObject
{
    Q_OBJECT

private:
    std::vector<Route> m_routes = routes();

    void request(Metrics &m, int routeIndex, int status, qint64 ns, int times = 1)
    {
        for (int i = 0; i < times; ++i) {
            m.requestStarted();
            RequestRecord r;
            r.method = m_routes[size_t(routeIndex)].method;
            r.route = &m_routes[size_t(routeIndex)];
            r.status = status;
            r.durationNs = ns;
            r.responseBytes = 100;
            m.requestFinished(r);
        }
    }

private Q_SLOTS:
    void statusCounts()
    {
        StatusCounts c;
        for (const int status : {101, 200, 204, 301, 404, 429, 503})
            c.count(status, 2);
        QCOMPARE(c.s2xx, quint64(4));
        QCOMPARE(c.s3xx, quint64(2));
        QCOMPARE(c.s4xx, quint64(4)); // 404 and 429
        QCOMPARE(c.s5xx, quint64(2));
        QCOMPARE(c.s429, quint64(2));
        StatusCounts sum = c;
        sum += c;
        const QJsonObject o = sum.toJson();
        QCOMPARE(o.size(), 5);
        QCOMPARE(o.value(u"2xx").toDouble(), 8.0);
        QCOMPARE(o.value(u"3xx").toDouble(), 4.0);
        QCOMPARE(o.value(u"4xx").toDouble(), 8.0);
        QCOMPARE(o.value(u"5xx").toDouble(), 4.0);
        QCOMPARE(o.value(u"429").toDouble(), 4.0);
    }

    void routeLabels()
    {
        QCOMPARE(Metrics::routeLabel(QStringLiteral("/api/deployments/:id<uuid>")),
                 QStringLiteral("/api/deployments/:id"));
        QCOMPARE(Metrics::routeLabel(QStringLiteral("/api/a/:n<int>/b/:name")),
                 QStringLiteral("/api/a/:n/b/:name"));
        ManualClock clock;
        Metrics m(clock, QStringLiteral("1.0"));
        m.setRoutes(m_routes);
        // GET and DELETE on one template share a label; "unmatched" comes last.
        QCOMPARE(m.routeLabels(),
                 (QStringList{QStringLiteral("/health"), QStringLiteral("/api/items/:id"),
                              QStringLiteral("unmatched")}));
    }

    void windowsSlideWithTheClock()
    {
        ManualClock clock;
        Metrics metrics(clock, QStringLiteral("1.0"));
        metrics.setRoutes(m_routes);
        TelemetryService telemetry(metrics, clock, 1000);

        // Second 1: 100 fast /health (1 ms) and 10 slow item reads (50 ms), one of them a 500.
        clock.advance(1000);
        request(metrics, 0, 200, 1000000, 100);
        request(metrics, 1, 200, 50000000, 9);
        request(metrics, 1, 500, 50000000, 1);
        telemetry.tick();
        QJsonObject s = telemetry.latest();
        QJsonObject w10 = window(s, "10s");
        QCOMPARE(w10.value(u"requests").toDouble(), 110.0);
        QCOMPARE(w10.value(u"seconds").toDouble(), 1.0);
        QCOMPARE(w10.value(u"requestsPerSecond").toDouble(), 110.0);
        QCOMPARE(w10.value(u"errorRate").toDouble(), std::round(1000.0 / 110.0) / 1000.0);
        QCOMPARE(w10.value(u"status").toObject().value(u"5xx").toDouble(), 1.0);
        QCOMPARE(w10.value(u"status").toObject().value(u"2xx").toDouble(), 109.0);
        // p50 is a /health request (1 ms), p95 and p99 item reads (50 ms): within 1 %.
        const QJsonObject latency = w10.value(u"latencyMs").toObject();
        QVERIFY(qAbs(latency.value(u"p50").toDouble() - 1.0) <= 0.01);
        QVERIFY(qAbs(latency.value(u"p95").toDouble() - 50.0) <= 0.5);
        QVERIFY(qAbs(latency.value(u"p99").toDouble() - 50.0) <= 0.5);
        const QJsonObject items = routeIn(w10, QStringLiteral("/api/items/:id"));
        QCOMPARE(items.value(u"requests").toDouble(), 10.0);
        QCOMPARE(items.value(u"errors").toDouble(), 1.0);
        QCOMPARE(items.value(u"errorRate").toDouble(), 0.1);
        QVERIFY(qAbs(items.value(u"latencyMs").toObject().value(u"p50").toDouble() - 50.0) <= 0.5);
        QCOMPARE(s.value(u"requestsTotal").toDouble(), 110.0);
        QCOMPARE(s.value(u"inFlight").toDouble(), 0.0);

        // Nine quiet seconds: still inside the 10 s window, rate spread over 10 s.
        for (int i = 0; i < 9; ++i) {
            clock.advance(1000);
            telemetry.tick();
        }
        w10 = window(telemetry.latest(), "10s");
        QCOMPARE(w10.value(u"requests").toDouble(), 110.0);
        QCOMPARE(w10.value(u"seconds").toDouble(), 10.0);
        QCOMPARE(w10.value(u"requestsPerSecond").toDouble(), 11.0);

        // One more: the busy second leaves the 10 s window but stays in the minute.
        clock.advance(1000);
        telemetry.tick();
        s = telemetry.latest();
        QCOMPARE(window(s, "10s").value(u"requests").toDouble(), 0.0);
        QCOMPARE(window(s, "10s").value(u"latencyMs").toObject().value(u"p99").toDouble(), 0.0);
        QVERIFY(window(s, "10s").value(u"routes").toArray().isEmpty());
        QCOMPARE(window(s, "1m").value(u"requests").toDouble(), 110.0);
        QCOMPARE(window(s, "1m").value(u"seconds").toDouble(), 11.0);

        // 50 s later it has left the minute too.
        for (int i = 0; i < 50; ++i) {
            clock.advance(1000);
            telemetry.tick();
        }
        QCOMPARE(window(telemetry.latest(), "1m").value(u"requests").toDouble(), 0.0);
        QCOMPARE(window(telemetry.latest(), "1m").value(u"seconds").toDouble(), 60.0);
    }

    void inFlightAndOtherSources()
    {
        ManualClock clock;
        Metrics metrics(clock, QStringLiteral("1.0"));
        metrics.setRoutes(m_routes);
        TelemetryService telemetry(metrics, clock, 1000);
        metrics.setWebSocketProvider([] { return WebSocketStats{3, 10, 20}; });
        metrics.setBreakerProvider([] {
            return QList<DependencyState>{{QStringLiteral("database"), 2}};
        });
        metrics.setTopLimitedProvider([] {
            return QJsonArray{QJsonObject{{QStringLiteral("key"), QStringLiteral("ip:10.0.0.1")},
                                          {QStringLiteral("hits"), 7}}};
        });
        metrics.setAlertsProvider([] {
            return QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("HighLatency")}}};
        });

        metrics.requestStarted();
        metrics.requestStarted();
        metrics.rateLimitHit(QStringLiteral("anon"));
        metrics.rateLimitHit(QStringLiteral("anon"));
        metrics.rateLimitHit(QStringLiteral("login"));
        metrics.login(false);
        metrics.login(false);
        metrics.login(true);
        metrics.dbQuery(0.002);
        metrics.dbQuery(0.004);
        // Recorded from other threads too: each has its own shard; the sums are exact.
        std::thread a([&] { metrics.rateLimitHit(QStringLiteral("anon")); });
        std::thread b([&] { metrics.dbQuery(0.004); });
        a.join();
        b.join();
        clock.advance(1000);
        QSignalSpy spy(&telemetry, &TelemetryService::snapshotReady);
        QJsonObject published;
        telemetry.setPublisher([&published](const QJsonObject &o) { published = o; });
        telemetry.tick();
        QCOMPARE(spy.count(), 1);
        const QJsonObject s = telemetry.latest();
        QCOMPARE(published, s);
        QCOMPARE(s.value(u"inFlight").toDouble(), 2.0);
        const QJsonObject limits = s.value(u"rateLimit").toObject();
        QCOMPARE(limits.value(u"hits10s").toObject().value(u"anon").toDouble(), 3.0);
        QCOMPARE(limits.value(u"hits1m").toObject().value(u"login").toDouble(), 1.0);
        QCOMPARE(limits.value(u"topClients").toArray().size(), 1);
        QCOMPARE(s.value(u"logins").toObject().value(u"failure1m").toDouble(), 2.0);
        QCOMPARE(s.value(u"logins").toObject().value(u"success1m").toDouble(), 1.0);
        const QJsonObject db = s.value(u"database").toObject();
        QCOMPARE(db.value(u"queries1m").toDouble(), 3.0);
        QVERIFY(qAbs(db.value(u"latencyMs").toObject().value(u"p50").toDouble() - 4.0) <= 0.04);
        QVERIFY(db.value(u"up").isNull()); // nothing says yet
        QCOMPARE(s.value(u"webSocket").toObject().value(u"clients").toInt(), 3);
        QCOMPARE(s.value(u"breakers").toArray().at(0).toObject().value(u"state").toString(),
                 QStringLiteral("open"));
        QCOMPARE(s.value(u"alerts").toArray().size(), 1);
        QVERIFY(s.value(u"process").toObject().value(u"residentBytes").toDouble() > 0);
        metrics.setDbUp(true);
        clock.advance(1000);
        telemetry.tick();
        QCOMPARE(telemetry.latest().value(u"database").toObject().value(u"up").toBool(), true);
    }

    void historyRings()
    {
        // 2026-01-01T00:00:00Z + 1 s: the minute boundaries fall on whole minutes of the clock.
        ManualClock clock;
        Metrics metrics(clock, QStringLiteral("1.0"));
        metrics.setRoutes(m_routes);
        TelemetryService telemetry(metrics, clock, 1000);
        const qint64 start = clock.wallMs();
        // 150 ticks, one /health request in each second, 10 item requests in the first second.
        for (int i = 0; i < 150; ++i) {
            clock.advance(1000);
            request(metrics, 0, 200, 2000000);
            if (i == 0)
                request(metrics, 1, 404, 3000000, 10);
            telemetry.tick();
        }
        const TelemetryHistory &h = telemetry.history();
        using R = TelemetryHistory::Resolution;
        QCOMPARE(h.size(R::Second), 150);
        const std::vector<TelemetryPoint> seconds = h.since(0, R::Second);
        QCOMPARE(seconds.front().requests, quint64(11));
        QCOMPARE(seconds.front().status.s4xx, quint64(10));
        QCOMPARE(seconds.front().routes.size(), size_t(2));
        QCOMPARE(seconds.back().requests, quint64(1));
        QVERIFY(qAbs(seconds.back().p99Ms - 2.0) <= 0.02);
        // since= filters by wall time.
        QCOMPARE(int(h.since(start + 100500, R::Second).size()), 50);
        // Ticks at wall second 2 … 151: minutes 0 (2 … 59, 58 ticks) and 1 (60 ticks) are
        // complete; minute 2 is still being built.
        const std::vector<TelemetryPoint> minutes = h.since(0, R::Minute);
        QCOMPARE(int(minutes.size()), 2);
        QCOMPARE(minutes[0].wallMs, start - 1000);
        QCOMPARE(minutes[0].requests, quint64(58 + 10));
        // The minute sums its seconds' status classes.
        QCOMPARE(minutes[0].status.s4xx, quint64(10));
        QCOMPARE(minutes[0].status.s2xx, quint64(58));
        QCOMPARE(minutes[0]
                     .toJson(metrics.routeLabels())
                     .value(u"status")
                     .toObject()
                     .value(u"4xx")
                     .toDouble(),
                 10.0);
        QCOMPARE(minutes[1].requests, quint64(60));
        QCOMPARE(minutes[1].intervalMs, qint64(60000));
        QVERIFY(minutes[1].routes.empty());
        QVERIFY(qAbs(minutes[1].p50Ms - 2.0) <= 0.02);
        const QJsonObject json = minutes[1].toJson(metrics.routeLabels());
        QCOMPARE(json.value(u"requestsPerSecond").toDouble(), 1.0);
        QCOMPARE(json.value(u"timestamp").toString(), QStringLiteral("2026-01-01T00:01:00.000Z"));
    }

    void historyIsBounded()
    {
        TelemetryHistory h(10, 2);
        LatencyHistogram empty;
        for (int i = 0; i < 300; ++i) {
            TelemetryPoint p;
            p.wallMs = qint64(i) * 1000;
            p.intervalMs = 1000;
            p.requests = 1;
            h.add(p, empty, empty);
        }
        using R = TelemetryHistory::Resolution;
        QCOMPARE(h.size(R::Second), 10);
        QCOMPARE(h.since(0, R::Second).front().wallMs, qint64(290000));
        QCOMPARE(h.size(R::Minute), 2); // minutes 0 … 3 complete, the last two kept
        QCOMPARE(h.since(0, R::Minute).front().wallMs, qint64(120000));
    }
};

QTEST_GUILESS_MAIN(TelemetryWindowTest)
#include "tst_telemetry_window.moc"
