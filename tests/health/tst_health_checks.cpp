// Health checks and their thresholds (ManualClock, injected samplers), the database check
// behind its breaker, and what /health, the storage-backed routes and /api/admin/alerts answer
// while the database breaker is open.

#include "FakeAuthenticator.h"
#include "RawClient.h"
#include "TestServer.h"
#include "WsTestSupport.h"
#include "core/CircuitBreaker.h"
#include "core/CircuitBreakers.h"
#include "core/Clock.h"
#include "core/KeyWrapper.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "telemetry/AlertEngine.h"
#include "telemetry/CpuCheck.h"
#include "telemetry/DatabaseCheck.h"
#include "telemetry/DiskCheck.h"
#include "telemetry/EventLoopLagCheck.h"
#include "telemetry/HealthSnapshot.h"
#include "telemetry/MemoryCheck.h"
#include "telemetry/SecretStoreCheck.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace cr;

namespace {

// Round-trips by XOR with a byte; `broken` makes unwrap return garbage.
class XorWrapper final : public KeyWrapper
{
public:
    bool broken = false;
    QString keyId() const override { return QStringLiteral("xor-key"); }
    Result<QByteArray> wrap(QByteArrayView plaintext, QByteArrayView) const override
    {
        QByteArray out = plaintext.toByteArray();
        for (char &c : out)
            c = char(c ^ 0x5a);
        return out;
    }
    Result<QByteArray> unwrap(QByteArrayView wrapped, QByteArrayView ad) const override
    {
        if (broken)
            return QByteArray("nonsense");
        return wrap(wrapped, ad);
    }
};

const QJsonObject checkIn(const QJsonObject &health, const char *name)
{
    const QJsonArray checks =
        health.value(QStringLiteral("data")).toObject().value(QStringLiteral("checks")).toArray();
    for (const QJsonValue &c : checks) {
        if (c.toObject().value(QStringLiteral("name")).toString() == QLatin1String(name))
            return c.toObject();
    }
    return QJsonObject();
}

} // namespace

class TestHealthChecks : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void thresholds()
    {
        HealthThresholds up{80, 95};
        QCOMPARE(up.classify(79.9), CheckStatus::Ok);
        QCOMPARE(up.classify(80), CheckStatus::Ok); // "above" the threshold, not at it
        QCOMPARE(up.classify(80.1), CheckStatus::Degraded);
        QCOMPARE(up.classify(95.1), CheckStatus::Down);
        HealthThresholds off{0, 0};
        QCOMPARE(off.classify(1e9), CheckStatus::Ok);
        HealthThresholds onlyUnhealthy{0, 50};
        QCOMPARE(onlyUnhealthy.classify(49), CheckStatus::Ok);
        QCOMPARE(onlyUnhealthy.classify(51), CheckStatus::Down);
        HealthThresholds down{1024, 100, true};
        QCOMPARE(down.classify(2000), CheckStatus::Ok);
        QCOMPARE(down.classify(1000), CheckStatus::Degraded);
        QCOMPARE(down.classify(99), CheckStatus::Down);
    }

    void memoryParsing()
    {
        QCOMPARE(MemoryCheck::parseMemTotal("MemFree: 1 kB\nMemTotal:       16318412 kB\n"),
                 qint64(16318412) * 1024);
        QCOMPARE(MemoryCheck::parseMemTotal("MemFree: 1 kB\n"), qint64(-1));
        QCOMPARE(MemoryCheck::parseStatmResident("12345 678 90 1 0 100 0\n", 4096),
                 qint64(678) * 4096);
        QCOMPARE(MemoryCheck::parseStatmResident("garbage", 4096), qint64(-1));
        QCOMPARE(MemoryCheck::parseCgroupLimit("max\n"), qint64(-1));
        QCOMPARE(MemoryCheck::parseCgroupLimit("536870912\n"), qint64(536870912));
        // The real /proc of this process: some resident memory of some total.
        const MemorySample real = MemoryCheck::sampleProc();
        QVERIFY(real.residentBytes > 0);
        QVERIFY(real.limitBytes > real.residentBytes);
    }

    void memoryCheck_data()
    {
        QTest::addColumn<qint64>("resident");
        QTest::addColumn<int>("status");
        QTest::newRow("50%") << qint64(500) << int(CheckStatus::Ok);
        QTest::newRow("85%") << qint64(850) << int(CheckStatus::Degraded);
        QTest::newRow("96%") << qint64(960) << int(CheckStatus::Down);
    }

    void memoryCheck()
    {
        QFETCH(qint64, resident);
        QFETCH(int, status);
        MemoryCheck check(HealthThresholds{80, 95}, [resident] {
            return MemorySample{resident, 1000};
        });
        const CheckResult r = check.run();
        QCOMPARE(r.name, QStringLiteral("memory"));
        QCOMPARE(int(r.status), status);
        QCOMPARE(r.value, double(resident) / 10.0);
        QCOMPARE(r.details.value(QStringLiteral("percent")).toDouble(), double(resident) / 10.0);
        // Not measurable: no verdict, no value.
        MemoryCheck unknown(HealthThresholds{80, 95}, [] { return MemorySample{}; });
        QCOMPARE(unknown.run().status, CheckStatus::Ok);
        QCOMPARE(unknown.run().value, -1.0);
    }

    void cpuParsing()
    {
        // comm with spaces and parentheses; utime 250, stime 50.
        const QByteArray stat = "4242 (cr (worker) 1) S 1 2 3 4 5 6 7 8 9 10 250 50 0 0 20 0 9";
        QCOMPARE(CpuCheck::parseStatTicks(stat), qint64(300));
        QCOMPARE(CpuCheck::parseStatTicks("4242 (x) S 1 2"), qint64(-1));
        QVERIFY(CpuCheck::readProcessCpuSeconds() >= 0);
    }

    void cpuCheckOverInterval()
    {
        ManualClock clock;
        double cpuSeconds = 10;
        CpuCheck check(clock, HealthThresholds{85, 98}, 4, [&cpuSeconds] { return cpuSeconds; });
        CheckResult r = check.run(); // the starting point
        QCOMPARE(r.status, CheckStatus::Ok);
        QCOMPARE(r.value, -1.0);
        clock.advance(5000);
        cpuSeconds += 10; // 10 CPU s in 5 s on 4 cores: 50 %
        r = check.run();
        QCOMPARE(r.value, 50.0);
        QCOMPARE(r.status, CheckStatus::Ok);
        clock.advance(5000);
        cpuSeconds += 18; // 90 %
        r = check.run();
        QCOMPARE(r.value, 90.0);
        QCOMPARE(r.status, CheckStatus::Degraded);
        clock.advance(1000);
        cpuSeconds += 4; // 100 %
        QCOMPARE(check.run().status, CheckStatus::Down);
        // Less than the minimum window (1 s) later: the last measurement again, however the
        // CPU time moved meanwhile; the window then spans both rounds.
        clock.advance(400);
        cpuSeconds += 1.6;
        r = check.run();
        QCOMPARE(r.value, 100.0);
        QCOMPARE(r.status, CheckStatus::Down);
        clock.advance(600);
        cpuSeconds += 0; // 1.6 CPU s over 1 s on 4 cores
        QCOMPARE(check.run().value, 40.0);
        clock.advance(1000);
        QCOMPARE(check.run().value, 0.0);
    }

    void eventLoopLag()
    {
        ManualClock clock;
        EventLoopLagCheck check(clock, HealthThresholds{100, 2000}, 250);
        check.run(); // starts the probe; the first due time is 250 ms from now
        clock.advance(250);
        check.tick(); // on time
        QCOMPARE(check.lastLagMs(), 0.0);
        clock.advance(250 + 150);
        check.tick(); // 150 ms late
        QCOMPARE(check.lastLagMs(), 150.0);
        clock.advance(250 + 20);
        check.tick();
        CheckResult r = check.run(); // the worst since the last run
        QCOMPARE(r.value, 150.0);
        QCOMPARE(r.status, CheckStatus::Degraded);
        QCOMPARE(check.run().value, 0.0); // reset by the run
        clock.advance(250 + 2500);
        check.tick();
        QCOMPARE(check.run().status, CheckStatus::Down);
    }

    void disk()
    {
        DiskCheck check(QDir::tempPath(), HealthThresholds{1024, 100, true});
        const qint64 mib = 1024 * 1024;
        const qint64 huge = qint64(1) << 50;
        QCOMPARE(check.classify(5000 * mib, 10000 * mib), CheckStatus::Ok);
        QCOMPARE(check.classify(500 * mib, huge), CheckStatus::Degraded);
        QCOMPARE(check.classify(50 * mib, huge), CheckStatus::Down);
        QCOMPARE(check.classify(2000 * mib, 100000 * mib), CheckStatus::Degraded); // < 5 %
        QCOMPARE(check.classify(1, 0), CheckStatus::Down);
        const CheckResult r = check.run();
        QVERIFY(r.value > 0);
    }

    void secretStore()
    {
        ManualClock clock;
        auto source = std::make_shared<SecretStoreCheck::KeySource>();
        SecretStoreCheck check(clock, source, 60000);
        // The key is still being loaded (the console's keychain): degraded, then down if it
        // cannot be loaded.
        CheckResult r = check.run();
        QCOMPARE(r.status, CheckStatus::Degraded);
        QCOMPARE(r.details.value(QStringLiteral("loading")).toBool(), true);
        source->fail();
        QCOMPARE(check.run().status, CheckStatus::Down);

        auto key = std::make_shared<XorWrapper>();
        int probes = 0;
        std::function<void(Status)> pending;
        source->set(key, QStringLiteral("keyfile"),
                    [&](QObject *context, std::function<void(Status)> done) {
                        QVERIFY(context);
                        ++probes;
                        pending = std::move(done);
                    });
        r = check.run();
        QCOMPARE(r.status, CheckStatus::Ok);
        QCOMPARE(probes, 1);
        QCOMPARE(r.details.value(QStringLiteral("keyId")).toString(), QStringLiteral("xor-key"));
        QCOMPARE(r.details.value(QStringLiteral("store")).toString(), QStringLiteral("keyfile"));
        QVERIFY(!r.details.contains(QStringLiteral("storeAnswered"))); // not yet
        pending(Error::make(ErrorCode::NotFound,
                            QStringLiteral("the secret store no longer holds the master key")));
        r = check.run();
        QCOMPARE(probes, 1); // at most once a minute
        QCOMPARE(r.status, CheckStatus::Degraded);
        QCOMPARE(r.details.value(QStringLiteral("storeAnswered")).toBool(), false);
        clock.advance(60000);
        r = check.run();
        QCOMPARE(probes, 2);
        pending(Status());
        QCOMPARE(check.run().status, CheckStatus::Ok);

        key->broken = true; // the key in memory no longer round-trips
        r = check.run();
        QCOMPARE(r.status, CheckStatus::Down);
        QCOMPARE(r.details.value(QStringLiteral("roundTrip")).toBool(), false);
        // Nothing secret in the details.
        const QString text = QString::fromUtf8(QJsonDocument(r.details).toJson());
        QVERIFY(!text.contains(QLatin1String("nonsense")));

        // A key given by an embedding application: no store to ask.
        auto plain = std::make_shared<SecretStoreCheck::KeySource>();
        plain->set(std::make_shared<XorWrapper>(), QString(), {});
        SecretStoreCheck embedded(clock, plain);
        r = embedded.run();
        QCOMPARE(r.status, CheckStatus::Ok);
        QVERIFY(!r.details.contains(QStringLiteral("store")));
    }

    void databaseCheckThroughBreaker()
    {
        QTemporaryDir dir;
        Result<DatabaseConfig> config = DatabaseConfig::fromUrl(
            QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("h.db")));
        QVERIFY(config);
        ManualClock clock;
        CircuitBreakerOptions o;
        o.failureThreshold = 1;
        o.coolDownMs = 10000;
        auto breaker = std::make_shared<CircuitBreaker>(QStringLiteral("database"), clock, o);
        DatabaseCheck check(ConnectionFactory(config.value()), breaker, 0);
        CheckResult r = check.run();
        QCOMPARE(r.status, CheckStatus::Ok);
        QCOMPARE(r.details.value(QStringLiteral("connected")).toBool(), true);
        QCOMPARE(r.details.value(QStringLiteral("breaker")).toString(), QStringLiteral("closed"));
        QCOMPARE(r.details.value(QStringLiteral("backend")).toString(), QStringLiteral("sqlite"));

        breaker->recordFailure(breaker->acquire());
        r = check.run(); // open: the database is not touched
        QCOMPARE(r.status, CheckStatus::Down);
        QCOMPARE(r.details.value(QStringLiteral("breaker")).toString(), QStringLiteral("open"));
        QCOMPARE(r.details.value(QStringLiteral("retryAfterMs")).toDouble(), 10000.0);
        QCOMPARE(r.latencyMs, 0.0);

        clock.advance(10000); // the check is the half-open probe and closes the breaker
        r = check.run();
        QCOMPARE(r.status, CheckStatus::Ok);
        QCOMPARE(breaker->state(), CircuitBreaker::State::Closed);

        DatabaseCheck slow(ConnectionFactory(config.value()), nullptr, 1e-9);
        QCOMPARE(slow.run().status, CheckStatus::Degraded); // any round trip is "slow" here
    }

    // The database breaker forced open in a running server: storage-backed routes fail fast
    // with 503 DEPENDENCY_UNAVAILABLE and Retry-After; /health is 503 with the breaker in the
    // operator's details only; an alert fires; after the cool-down it all recovers.
    void serverWhileBreakerOpen()
    {
        auto clock = std::make_shared<ManualClock>();
        Settings settings = TestServer::defaults();
        settings.healthIntervalMs = 20;
        settings.breakerCoolDownMs = 30000;
        settings.breakerFailureThreshold = 1;
        settings.alertResolveSeconds = 0;
        TestServer server(settings, clock);
        server.setAuthenticator(std::make_shared<FakeAuthenticator>(clock.get()));
        QVERIFY(server.start());
        QVERIFY(server.waitForHealth());
        auto breaker = server.engine().breakers()->find(QStringLiteral("database"));
        QVERIFY(breaker);

        auto get = [&](const QByteArray &path, const QByteArray &token = QByteArray()) {
            return RawClient::get(server.port(), path,
                                  token.isEmpty() ? QByteArray()
                                                  : "Authorization: Bearer " + token + "\r\n");
        };
        auto r = get("/api/admin/logs", "op");
        QVERIFY(r);
        QCOMPARE(r->status, 200);
        WsClient ws;
        QVERIFY(ws.open(server.port()));
        QVERIFY(ws.authenticate("op"));
        QVERIFY(ws.subscribe(QStringLiteral("alerts")));

        breaker->recordFailure(breaker->acquire());
        QCOMPARE(breaker->state(), CircuitBreaker::State::Open);
        r = get("/api/admin/logs", "op");
        QVERIFY(r);
        QCOMPARE(r->status, 503);
        QCOMPARE(r->json().value(QStringLiteral("code")).toString(),
                 QStringLiteral("DEPENDENCY_UNAVAILABLE"));
        QCOMPARE(r->header("retry-after"), QByteArray("30"));
        clock->advance(12000);
        r = get("/api/admin/logs", "op");
        QCOMPARE(r->header("retry-after"), QByteArray("18"));

        // Health: 503 unhealthy; statuses only for anonymous callers.
        QTRY_VERIFY(server.engine().health()->overall == CheckStatus::Down);
        r = get("/health");
        QCOMPARE(r->status, 503);
        const QJsonObject anon = r->json();
        QCOMPARE(anon.value(QStringLiteral("overall")).toString(), QStringLiteral("unhealthy"));
        QVERIFY(!anon.contains(QStringLiteral("version")));
        for (const char *name : {"database", "disk", "memory", "cpu", "eventLoop", "secrets"}) {
            const QJsonObject c = checkIn(anon, name);
            QVERIFY2(!c.isEmpty(), name);
            QVERIFY2(!c.contains(QStringLiteral("details")), name);
        }
        QCOMPARE(checkIn(anon, "database").value(QStringLiteral("status")).toString(),
                 QStringLiteral("down"));
        r = get("/health", "op");
        const QJsonObject db = checkIn(r->json(), "database");
        QCOMPARE(db.value(QStringLiteral("details")).toObject().value(QStringLiteral("breaker")),
                 QJsonValue(QStringLiteral("open")));
        QVERIFY(
            r->json().value(QStringLiteral("data")).toObject().contains(QStringLiteral("version")));
        r = get("/health/ready");
        QCOMPARE(r->status, 503);
        // The master key came from the key file, which the secrets check asks again.
        QTRY_VERIFY(server.engine().health()->find(QStringLiteral("secrets")) &&
                    server.engine()
                        .health()
                        ->find(QStringLiteral("secrets"))
                        ->details.value(QStringLiteral("storeAnswered"))
                        .toBool());
        const std::shared_ptr<const HealthSnapshot> snapshot = server.engine().health();
        const CheckResult *secrets = snapshot->find(QStringLiteral("secrets"));
        QVERIFY(secrets);
        QCOMPARE(secrets->status, CheckStatus::Ok);
        QCOMPARE(secrets->details.value(QStringLiteral("store")).toString(),
                 QStringLiteral("keyfile"));

        // The breaker alert fires at once (evaluated after each health round).
        QTRY_VERIFY(!server.engine().alerts()->active().isEmpty());
        const QJsonObject firing = ws.waitFor(QStringLiteral("alerts"));
        QCOMPARE(firing.value(QStringLiteral("event")).toString(), QStringLiteral("firing"));
        QCOMPARE(firing.value(QStringLiteral("alert")).toObject().value(QStringLiteral("name")),
                 QJsonValue(QStringLiteral("CodeRunnerCircuitBreakerOpen")));
        r = get("/api/admin/alerts", "op");
        QCOMPARE(r->status, 200);
        const QJsonArray active = r->json().value(QStringLiteral("active")).toArray();
        bool breakerAlert = false;
        for (const QJsonValue &a : active) {
            if (a.toObject().value(QStringLiteral("name")).toString() ==
                u"CodeRunnerCircuitBreakerOpen") {
                breakerAlert = true;
                QCOMPARE(
                    a.toObject().value(QStringLiteral("subjects")).toArray().first().toString(),
                    QStringLiteral("database"));
            }
        }
        QVERIFY(breakerAlert);
        QCOMPARE(get("/api/admin/alerts")->status, 401);
        QCOMPARE(get("/api/admin/alerts", "dev")->status, 403);
        QCOMPARE(get("/api/admin/alerts", "viewer")->status, 403);

        // After the cool-down the next round trip (health check or request) is the probe.
        clock->advance(18000);
        QTRY_COMPARE(breaker->state(), CircuitBreaker::State::Closed);
        QTRY_VERIFY(server.engine().health()->overall != CheckStatus::Down);
        r = get("/api/admin/logs", "op");
        QCOMPARE(r->status, 200);
        QTRY_VERIFY(server.engine().alerts()->active().isEmpty());
        r = get("/api/admin/alerts", "op");
        QVERIFY(!r->json().value(QStringLiteral("history")).toArray().isEmpty());
        const QJsonObject resolved = ws.waitFor(QStringLiteral("alerts"));
        QCOMPARE(resolved.value(QStringLiteral("event")).toString(), QStringLiteral("resolved"));
        QVERIFY(resolved.value(QStringLiteral("alert"))
                    .toObject()
                    .value(QStringLiteral("resolvedAt"))
                    .isString());
        // The resolution is in the audit log (the firing could not be written: the database
        // was what the alert was about).
        QTRY_VERIFY(get("/api/admin/logs?search=alert.resolved", "op")
                        ->json()
                        .value(QStringLiteral("total"))
                        .toInt() == 1);
        const QJsonObject entry = get("/api/admin/logs?search=alert.resolved", "op")
                                      ->json()
                                      .value(QStringLiteral("logs"))
                                      .toArray()
                                      .first()
                                      .toObject();
        QCOMPARE(entry.value(QStringLiteral("target")).toString(),
                 QStringLiteral("CodeRunnerCircuitBreakerOpen"));
    }
};

QTEST_MAIN(TestHealthChecks)
#include "tst_health_checks.moc"
