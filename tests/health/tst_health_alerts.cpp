// Alert rules with hysteresis, by a ManualClock (no real waiting), and their configuration.

#include "core/Clock.h"
#include "core/Settings.h"
#include "telemetry/AlertEngine.h"
#include "telemetry/AlertRule.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTemporaryDir>
#include <QTest>

using namespace cr;

namespace {

AlertRule cpuRule(qint64 forMs, qint64 resolveMs, double threshold = 85, double resolve = 85)
{
    AlertRule r;
    r.name = QStringLiteral("HighCpu");
    r.input = QStringLiteral("cpuPercent");
    r.threshold = threshold;
    r.resolveThreshold = resolve;
    r.forMs = forMs;
    r.resolveForMs = resolveMs;
    r.summary = QStringLiteral("cpu");
    return r;
}

AlertInputs cpu(double percent)
{
    AlertInputs in;
    in.cpuPercent = percent;
    return in;
}

const AlertRule *findRule(const QList<AlertRule> &rules, const char *name)
{
    for (const AlertRule &r : rules) {
        if (r.name == QLatin1String(name))
            return &r;
    }
    return nullptr;
}

} // namespace

class TestAlerts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firesOnlyAfterForDuration()
    {
        ManualClock clock;
        AlertEngine engine(clock, {cpuRule(60000, 30000)});
        QList<Alert> events;
        engine.addListener([&events](const Alert &a) { events.append(a); });

        engine.evaluate(cpu(90)); // pending
        clock.advance(59999);
        engine.evaluate(cpu(95));
        QVERIFY(events.isEmpty());
        QVERIFY(engine.active().isEmpty());
        clock.advance(1);
        engine.evaluate(cpu(92));
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).state, QStringLiteral("firing"));
        QCOMPARE(events.at(0).name, QStringLiteral("HighCpu"));
        QCOMPARE(events.at(0).value, 92.0);
        QCOMPARE(events.at(0).threshold, 85.0);
        QCOMPARE(events.at(0).firedAtWallMs - events.at(0).pendingSinceWallMs, qint64(60000));
        QCOMPARE(engine.active().size(), 1);
        // Still above: no second event.
        clock.advance(10000);
        engine.evaluate(cpu(99));
        QCOMPARE(events.size(), 1);
        QCOMPARE(engine.active().at(0).value, 99.0);
    }

    void blipWhilePendingNeverFires()
    {
        ManualClock clock;
        AlertEngine engine(clock, {cpuRule(60000, 30000)});
        int events = 0;
        engine.addListener([&events](const Alert &) { ++events; });
        engine.evaluate(cpu(90));
        clock.advance(50000);
        engine.evaluate(cpu(10)); // gone before the for duration: back to inactive
        clock.advance(20000);
        engine.evaluate(cpu(90)); // pending again, from now
        clock.advance(59000);
        engine.evaluate(cpu(90));
        QCOMPARE(events, 0);
        clock.advance(1000);
        engine.evaluate(cpu(90));
        QCOMPARE(events, 1);
    }

    void resolvesOnlyAfterResolveDuration()
    {
        ManualClock clock;
        AlertEngine engine(clock, {cpuRule(0, 30000)});
        QList<Alert> events;
        engine.addListener([&events](const Alert &a) { events.append(a); });
        engine.evaluate(cpu(90)); // for 0: fires at once
        QCOMPARE(events.size(), 1);

        engine.evaluate(cpu(50)); // resolving from now
        clock.advance(20000);
        engine.evaluate(cpu(90)); // came back: keeps firing, no event
        clock.advance(20000);
        engine.evaluate(cpu(50)); // resolving again, from now
        clock.advance(29999);
        engine.evaluate(cpu(50));
        QCOMPARE(events.size(), 1);
        QCOMPARE(engine.active().size(), 1);
        clock.advance(1);
        engine.evaluate(cpu(40));
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).state, QStringLiteral("resolved"));
        QVERIFY(events.at(1).resolvedAtWallMs > events.at(1).firedAtWallMs);
        QVERIFY(engine.active().isEmpty());
        QCOMPARE(engine.history().size(), 1);
        QCOMPARE(engine.history().at(0).state, QStringLiteral("resolved"));
    }

    void resolveThresholdIsABand()
    {
        ManualClock clock;
        AlertEngine engine(clock, {cpuRule(0, 0, 90, 80)});
        engine.evaluate(cpu(91));
        QCOMPARE(engine.active().size(), 1);
        engine.evaluate(cpu(85)); // below the firing threshold, above the resolve one
        QCOMPARE(engine.active().size(), 1);
        engine.evaluate(cpu(79));
        QVERIFY(engine.active().isEmpty());
        engine.evaluate(cpu(85)); // inactive again: 85 is not above 90
        QVERIFY(engine.active().isEmpty());
    }

    void historyIsBoundedNewestFirst()
    {
        ManualClock clock;
        AlertEngine engine(clock, {cpuRule(0, 0)}, 3);
        for (int i = 0; i < 5; ++i) {
            engine.evaluate(cpu(90));
            clock.advance(1000);
            engine.evaluate(cpu(10));
            clock.advance(1000);
        }
        const QList<Alert> history = engine.history();
        QCOMPARE(history.size(), 3);
        QVERIFY(history.at(0).resolvedAtWallMs > history.at(1).resolvedAtWallMs);
        const QJsonObject json = engine.toJson();
        QCOMPARE(json.value(QStringLiteral("history")).toArray().size(), 3);
        QCOMPARE(json.value(QStringLiteral("active")).toArray().size(), 0);
        QCOMPARE(json.value(QStringLiteral("rules")).toArray().size(), 1);
    }

    void breakerAndHealthRules()
    {
        ManualClock clock;
        Settings settings;
        settings.alertForSeconds = 30;
        AlertEngine engine(clock, AlertRule::defaults(settings));
        QList<Alert> events;
        engine.addListener([&events](const Alert &a) { events.append(a); });
        AlertInputs in;
        in.openBreakers = QStringList{QStringLiteral("database")};
        in.healthUnhealthy = true;
        in.unhealthyChecks = QStringList{QStringLiteral("database")};
        engine.evaluate(in);
        // A breaker opening fires at once; unhealthy health waits for its for duration.
        QCOMPARE(events.size(), 1);
        QCOMPARE(events.at(0).name, QStringLiteral("CodeRunnerCircuitBreakerOpen"));
        QCOMPARE(events.at(0).subjects, QStringList{QStringLiteral("database")});
        QCOMPARE(events.at(0).severity, QStringLiteral("critical"));
        clock.advance(30000);
        engine.evaluate(in);
        QCOMPARE(events.size(), 2);
        QCOMPARE(events.at(1).name, QStringLiteral("CodeRunnerUnhealthy"));
        QCOMPARE(engine.active().size(), 2);
    }

    void defaultsFollowTheAudit()
    {
        const QList<AlertRule> rules = AlertRule::defaults(Settings());
        QCOMPARE(rules.size(), 7);
        QCOMPARE(findRule(rules, "CodeRunnerHighLatencyP95")->threshold, 500.0);
        QCOMPARE(findRule(rules, "CodeRunnerHighErrorRate")->threshold, 0.02);
        QCOMPARE(findRule(rules, "CodeRunnerFailedLogins")->threshold, 10.0);
        QCOMPARE(findRule(rules, "CodeRunnerHighMemory")->threshold, 90.0);
        QCOMPARE(findRule(rules, "CodeRunnerHighCpu")->threshold, 85.0);
        QCOMPARE(findRule(rules, "CodeRunnerCircuitBreakerOpen")->forMs, qint64(0));
        QCOMPARE(findRule(rules, "CodeRunnerUnhealthy")->forMs, qint64(60000));
        for (const AlertRule &r : rules) {
            QVERIFY(AlertRule::inputNames().contains(r.input));
            QCOMPARE(r.resolveForMs, qint64(60000));
        }
        // Error rate is a share, failed logins a rate: each reads its own input.
        AlertInputs in;
        in.errorRate = 0.03;
        QVERIFY(findRule(rules, "CodeRunnerHighErrorRate")
                    ->exceeds(AlertRule::valueOf(QStringLiteral("errorRate"), in), false));
        QVERIFY(
            !findRule(rules, "CodeRunnerFailedLogins")
                 ->exceeds(AlertRule::valueOf(QStringLiteral("failedLoginsPerMinute"), in), false));
    }

    void rulesFileChangesAndAdds()
    {
        const QJsonObject file = QJsonDocument::fromJson(R"({"rules": [
            {"name": "CodeRunnerHighCpu", "threshold": 70, "forSeconds": 5},
            {"name": "CodeRunnerFailedLogins", "enabled": false},
            {"name": "LowMemoryUse", "input": "memoryPercent", "op": "<", "threshold": 1,
             "severity": "info", "summary": "suspiciously little memory"}
        ]})")
                                     .object();
        Result<QList<AlertRule>> rules = AlertRule::merge(AlertRule::defaults(Settings()), file);
        QVERIFY2(rules, qPrintable(rules ? QString() : rules.error().message));
        QCOMPARE(rules.value().size(), 8);
        const AlertRule *cpu = findRule(rules.value(), "CodeRunnerHighCpu");
        QCOMPARE(cpu->threshold, 70.0);
        QCOMPARE(cpu->resolveThreshold, 70.0); // followed the threshold
        QCOMPARE(cpu->forMs, qint64(5000));
        QCOMPARE(cpu->resolveForMs, qint64(60000)); // unchanged
        QVERIFY(!findRule(rules.value(), "CodeRunnerFailedLogins")->enabled);
        const AlertRule *low = findRule(rules.value(), "LowMemoryUse");
        QVERIFY(!low->above);
        QVERIFY(low->exceeds(0.5, false));
        QVERIFY(!low->exceeds(2, false));

        // A disabled rule never fires.
        ManualClock clock;
        AlertEngine engine(clock, rules.value());
        AlertInputs in;
        in.failedLoginsPerMinute = 1000;
        in.memoryPercent = 50;
        engine.evaluate(in);
        clock.advance(120000);
        engine.evaluate(in);
        QVERIFY(engine.active().isEmpty());
    }

    void rulesFileErrors_data()
    {
        QTest::addColumn<QByteArray>("json");
        QTest::addColumn<QString>("expected");
        QTest::newRow("no rules") << QByteArray(R"({"rule": []})") << QStringLiteral("expected");
        QTest::newRow("no name") << QByteArray(R"({"rules": [{"threshold": 1}]})")
                                 << QStringLiteral("needs a name");
        QTest::newRow("new without input")
            << QByteArray(R"({"rules": [{"name": "X", "op": ">", "threshold": 1}]})")
            << QStringLiteral("'X': a new rule needs 'input'");
        QTest::newRow("unknown input")
            << QByteArray(R"({"rules": [{"name": "X", "input": "x", "op": ">", "threshold": 1}]})")
            << QStringLiteral("'input' must be one of");
        QTest::newRow("bad op") << QByteArray(
                                       R"({"rules": [{"name": "CodeRunnerHighCpu", "op": ">="}]})")
                                << QStringLiteral("'op'");
        QTest::newRow("threshold text")
            << QByteArray(R"({"rules": [{"name": "CodeRunnerHighCpu", "threshold": "high"}]})")
            << QStringLiteral("'threshold' must be a number");
        QTest::newRow("negative for")
            << QByteArray(R"({"rules": [{"name": "CodeRunnerHighCpu", "forSeconds": -1}]})")
            << QStringLiteral("'forSeconds' must be between");
        QTest::newRow("resolve beyond")
            << QByteArray(
                   R"({"rules": [{"name": "CodeRunnerHighCpu", "threshold": 80, "resolveThreshold": 90}]})")
            << QStringLiteral("'resolveThreshold'");
        QTest::newRow("severity")
            << QByteArray(R"({"rules": [{"name": "CodeRunnerHighCpu", "severity": "panic"}]})")
            << QStringLiteral("'severity'");
    }

    void rulesFileErrors()
    {
        QFETCH(QByteArray, json);
        QFETCH(QString, expected);
        Result<QList<AlertRule>> rules = AlertRule::merge(AlertRule::defaults(Settings()),
                                                          QJsonDocument::fromJson(json).object());
        QVERIFY(!rules);
        QCOMPARE(rules.error().code, ErrorCode::ValidationError);
        QVERIFY2(rules.error().message.contains(expected), qPrintable(rules.error().message));
    }

    void loadsFromSettingsFile()
    {
        QTemporaryDir dir;
        Settings settings;
        settings.alertCpuPercent = 60;
        QCOMPARE(findRule(AlertRule::load(settings).value(), "CodeRunnerHighCpu")->threshold, 60.0);
        settings.alertRulesFile = dir.filePath(QStringLiteral("missing.json"));
        Result<QList<AlertRule>> missing = AlertRule::load(settings);
        QVERIFY(!missing);
        QVERIFY(missing.error().message.contains(QLatin1String("cannot read")));
        QFile f(dir.filePath(QStringLiteral("rules.json")));
        QVERIFY(f.open(QIODevice::WriteOnly));
        f.write(R"({"rules": [{"name": "CodeRunnerHighCpu", "threshold": 50}]})");
        f.close();
        settings.alertRulesFile = f.fileName();
        QCOMPARE(findRule(AlertRule::load(settings).value(), "CodeRunnerHighCpu")->threshold, 50.0);
        QVERIFY(f.open(QIODevice::WriteOnly | QIODevice::Truncate));
        f.write("[not json");
        f.close();
        QVERIFY(!AlertRule::load(settings));
    }
};

QTEST_GUILESS_MAIN(TestAlerts)
#include "tst_health_alerts.moc"
