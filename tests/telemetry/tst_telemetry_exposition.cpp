// The Prometheus exposition: names, labels, histogram arithmetic, and `promtool check metrics`.

#include "TelemetryTestRoutes.h"
#include "core/Clock.h"
#include "http/RequestObserver.h"
#include "http/Route.h"
#include "telemetry/Metrics.h"
#include "telemetry/MetricsCollector.h"

#include <QProcess>
#include <QStandardPaths>
#include <QTest>

#include <thread>

using namespace cr;

using cr::test::routeOf;

class TelemetryExpositionTest : public QObject
{
    Q_OBJECT

private:
    std::vector<Route> m_routes = {
        routeOf(Method::Get, "/health"),
        routeOf(Method::Get, "/api/deployments/:id<uuid>"),
        routeOf(Method::Delete, "/api/deployments/:id<uuid>"),
    };

    static RequestRecord record(const Route *route, Method method, int status, qint64 ns)
    {
        RequestRecord r;
        r.route = route;
        r.method = method;
        r.status = status;
        r.durationNs = ns;
        r.responseBytes = 250;
        return r;
    }

    // Feeds a known set of requests, from several threads.
    void feed(Metrics &m)
    {
        auto worker = [&m, this](int n) {
            for (int i = 0; i < n; ++i) {
                m.requestStarted();
                m.requestFinished(record(&m_routes[0], Method::Get, 200, 300000)); // 0.3 ms
                m.requestStarted();
                m.requestFinished(record(&m_routes[1], Method::Get, 404, 3000000)); // 3 ms
                m.requestStarted();
                m.requestFinished(record(&m_routes[2], Method::Delete, 204, 20000000)); // 20 ms
            }
        };
        std::thread a(worker, 1000), b(worker, 1000), c(worker, 500);
        a.join();
        b.join();
        c.join();
        m.requestStarted();
        m.requestFinished(record(nullptr, Method::Post, 404, 100000)); // unknown path
        m.requestStarted();                                            // still in flight
        m.rateLimitHit(QStringLiteral("anon"));
        m.login(true);
        m.login(false);
        m.login(false);
        m.dbQuery(0.0007);
        m.eventLoopLag(2500000);
        m.setWebSocketProvider([] { return WebSocketStats{4, 12, 34}; });
        m.setBreakerProvider([] {
            return QList<DependencyState>{{QStringLiteral("database"), 1}};
        });
        m.setHealthProvider([] {
            return QList<DependencyState>{{QStringLiteral("database"), 0},
                                          {QStringLiteral("disk"), 1}};
        });
    }

private Q_SLOTS:
    void familiesAndValues()
    {
        ManualClock clock;
        Metrics m(clock, QStringLiteral("3.0.0"));
        m.setRoutes(m_routes);
        feed(m);
        const QByteArray text = MetricsCollector(m).exposition();
        auto has = [&text](const char *line) {
            return text.contains(QByteArray(QByteArray(line) + '\n'));
        };
        QVERIFY2(has("coderunner_http_requests_total{method=\"GET\",route=\"/health\","
                     "status=\"200\"} 2500"),
                 text.constData());
        QVERIFY(has("coderunner_http_requests_total{method=\"GET\",route=\"/api/deployments/:id\","
                    "status=\"404\"} 2500"));
        QVERIFY(
            has("coderunner_http_requests_total{method=\"DELETE\",route=\"/api/deployments/:id\","
                "status=\"204\"} 2500"));
        QVERIFY(has("coderunner_http_requests_total{method=\"POST\",route=\"unmatched\","
                    "status=\"404\"} 1"));
        // One histogram per template; cumulative buckets.
        QVERIFY(has(
            "coderunner_http_request_duration_seconds_count{route=\"/api/deployments/:id\"} 5000"));
        QVERIFY(
            has("coderunner_http_request_duration_seconds_bucket{route=\"/api/deployments/:id\","
                "le=\"0.0025\"} 0"));
        QVERIFY(
            has("coderunner_http_request_duration_seconds_bucket{route=\"/api/deployments/:id\","
                "le=\"0.005\"} 2500"));
        QVERIFY(
            has("coderunner_http_request_duration_seconds_bucket{route=\"/api/deployments/:id\","
                "le=\"0.025\"} 5000"));
        QVERIFY(
            has("coderunner_http_request_duration_seconds_bucket{route=\"/api/deployments/:id\","
                "le=\"+Inf\"} 5000"));
        QVERIFY(has("coderunner_http_request_duration_seconds_bucket{route=\"/health\","
                    "le=\"0.0005\"} 2500"));
        QVERIFY(has("coderunner_http_request_duration_seconds_bucket{route=\"/health\","
                    "le=\"10\"} 2500"));
        QVERIFY(has("coderunner_http_request_duration_seconds_sum{route=\"/health\"} 0.75"));
        QVERIFY(has("coderunner_http_response_size_bytes_total{route=\"/health\"} 625000"));
        QVERIFY(has("coderunner_http_requests_in_flight 1"));
        QVERIFY(has("coderunner_websocket_connections 4"));
        QVERIFY(has("coderunner_websocket_messages_total{direction=\"in\"} 12"));
        QVERIFY(has("coderunner_websocket_messages_total{direction=\"out\"} 34"));
        QVERIFY(has("coderunner_rate_limit_hits_total{policy=\"anon\"} 1"));
        QVERIFY(has("coderunner_logins_total{result=\"success\"} 1"));
        QVERIFY(has("coderunner_logins_total{result=\"failure\"} 2"));
        QVERIFY(has("coderunner_db_query_duration_seconds_bucket{le=\"0.001\"} 1"));
        QVERIFY(has("coderunner_db_query_duration_seconds_count 1"));
        QVERIFY(has("coderunner_db_up 1")); // from the database health check
        QVERIFY(text.contains("coderunner_event_loop_lag_seconds{thread="));
        QVERIFY(text.contains("} 0.0025\n"));
        QVERIFY(has("coderunner_circuit_breaker_state{dependency=\"database\"} 1"));
        QVERIFY(has("coderunner_health_check_status{check=\"disk\"} 1"));
        QVERIFY(has("coderunner_build_info{version=\"3.0.0\"} 1"));
        QVERIFY(has("# TYPE coderunner_http_request_duration_seconds histogram"));
        QVERIFY(has("# TYPE coderunner_http_requests_total counter"));
        for (const char *name :
             {"process_cpu_seconds_total ", "process_resident_memory_bytes ",
              "process_virtual_memory_bytes ", "process_open_fds ", "process_max_fds ",
              "process_start_time_seconds ", "coderunner_process_threads "})
            QVERIFY2(text.contains(QByteArray(QByteArray("\n") + name)), name);
        m.setDbUp(false);
        QVERIFY(MetricsCollector(m).exposition().contains("\ncoderunner_db_up 0\n"));
    }

    void abandonedRequestsLeaveInFlightOnly()
    {
        ManualClock clock;
        Metrics m(clock, QStringLiteral("1"));
        m.setRoutes(m_routes);
        m.requestStarted();
        m.requestFinished(record(&m_routes[0], Method::Get, 0, 1000));
        const MetricsTotals t = m.totals(false);
        QCOMPARE(t.inFlight(), qint64(0));
        QVERIFY(t.requests.isEmpty());
    }

    void promtoolAcceptsTheOutput()
    {
        const QString promtool = QStandardPaths::findExecutable(QStringLiteral("promtool"));
        if (promtool.isEmpty())
            QSKIP("promtool is not installed (scripts/deps.sh test installs it)");
        ManualClock clock;
        Metrics m(clock, QStringLiteral("3.0.0"));
        m.setRoutes(m_routes);
        for (const QByteArray &text : {MetricsCollector(m).exposition(), [&] {
                                           feed(m);
                                           return MetricsCollector(m).exposition();
                                       }()}) {
            QProcess p;
            p.start(promtool, {QStringLiteral("check"), QStringLiteral("metrics")});
            QVERIFY(p.waitForStarted());
            p.write(text);
            p.closeWriteChannel();
            QVERIFY(p.waitForFinished(30000));
            const QByteArray out = p.readAllStandardOutput() + p.readAllStandardError();
            QVERIFY2(p.exitCode() == 0 && out.trimmed().isEmpty(),
                     qPrintable(QString::fromUtf8(out + "\n---\n" + text)));
        }
    }
};

QTEST_GUILESS_MAIN(TelemetryExpositionTest)
#include "tst_telemetry_exposition.moc"
