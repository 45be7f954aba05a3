// The database outage scenario (docs/OBSERVABILITY.md): a real PostgreSQL, in a throwaway
// cluster of this test's own (it is stopped and started again, so it cannot be the shared `pg`
// fixture), stopped and restarted while clients keep registering accounts. Every request is
// answered (503 DEPENDENCY_UNAVAILABLE, fast, while the database is down; never a hang), the
// breaker opens and closes again on its own, and every registration that was answered 201 is
// in the database afterwards.
//
// Skips when the PostgreSQL binaries are absent; fails instead with CODERUNNER_REQUIRE_POSTGRES=1.

#include "RawClient.h"
#include "TestServer.h"
#include "core/CircuitBreaker.h"
#include "core/CircuitBreakers.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Db.h"
#include "telemetry/HealthSnapshot.h"

#include <QDir>
#include <QElapsedTimer>
#include <QJsonDocument>
#include <QMutex>
#include <QProcess>
#include <QTcpServer>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>
#include <pwd.h>
#include <thread>
#include <unistd.h>

using namespace cr;

namespace {

const QString kPassword = QStringLiteral("SecureTestPassword123!@#");

bool requirePostgres()
{
    return qEnvironmentVariable("CODERUNNER_REQUIRE_POSTGRES") == u"1";
}

QString findPgBin()
{
    const QString fromEnv = qEnvironmentVariable("PG_BINDIR");
    if (!fromEnv.isEmpty())
        return QFileInfo::exists(fromEnv + QStringLiteral("/pg_ctl")) ? fromEnv : QString();
    QDir root(QStringLiteral("/usr/lib/postgresql"));
    QStringList versions = root.entryList(QDir::Dirs | QDir::NoDotAndDotDot, QDir::Name);
    std::sort(versions.begin(), versions.end(),
              [](const QString &a, const QString &b) { return a.toInt() > b.toInt(); });
    for (const QString &v : versions) {
        const QString bin = root.filePath(v + QStringLiteral("/bin"));
        if (QFileInfo::exists(bin + QStringLiteral("/initdb")) &&
            QFileInfo::exists(bin + QStringLiteral("/pg_ctl")))
            return bin;
    }
    return QString();
}

// A PostgreSQL cluster of this test's own, in a temporary directory, on a free port, run as
// the postgres user when the test runs as root (the server refuses root).
class OwnCluster
{
public:
    ~OwnCluster() { stop(QStringLiteral("immediate")); }

    QString problem;         // why it could not start
    bool noBinaries = false; // the one reason to skip

    bool init()
    {
        m_bin = findPgBin();
        if (m_bin.isEmpty()) {
            problem = QStringLiteral("no PostgreSQL binaries (initdb, pg_ctl)");
            noBinaries = true;
            return false;
        }
        if (geteuid() == 0) {
            const passwd *pw = getpwnam("postgres");
            if (!pw) {
                problem = QStringLiteral("running as root and there is no postgres user");
                return false;
            }
            m_asPostgres = true;
            if (::chown(QFile::encodeName(m_dir.path()).constData(), pw->pw_uid, pw->pw_gid) != 0) {
                problem = QStringLiteral("cannot hand the cluster directory to postgres");
                return false;
            }
        }
        if (!m_dir.isValid()) {
            problem = QStringLiteral("no temporary directory");
            return false;
        }
        QString out;
        if (!run(QStringLiteral("initdb"),
                 {QStringLiteral("-D"), dataDir(), QStringLiteral("-U"), QStringLiteral("postgres"),
                  QStringLiteral("-A"), QStringLiteral("trust"), QStringLiteral("-E"),
                  QStringLiteral("UTF8"), QStringLiteral("--locale=C.UTF-8"),
                  QStringLiteral("--no-sync")},
                 &out)) {
            problem = QStringLiteral("initdb failed: ") + out.right(500);
            return false;
        }
        QFile hba(dataDir() + QStringLiteral("/pg_hba.conf"));
        if (!hba.open(QIODevice::WriteOnly | QIODevice::Truncate) ||
            hba.write("local all all trust\nhost all all 127.0.0.1/32 trust\n") < 0) {
            problem = QStringLiteral("cannot write pg_hba.conf");
            return false;
        }
        hba.close();
        QTcpServer probe; // a free port, given back at once
        if (!probe.listen(QHostAddress::LocalHost, 0)) {
            problem = QStringLiteral("no free port");
            return false;
        }
        m_port = probe.serverPort();
        probe.close();
        return true;
    }

    // Durable settings (fsync and synchronous commit on): what was acknowledged must survive.
    bool start()
    {
        QString out;
        const QString options =
            QStringLiteral("-c listen_addresses=127.0.0.1 -p %1 -k %2 -c max_connections=50")
                .arg(m_port)
                .arg(m_dir.path());
        const bool ok = run(QStringLiteral("pg_ctl"),
                            {QStringLiteral("-D"), dataDir(), QStringLiteral("-l"),
                             m_dir.path() + QStringLiteral("/server.log"), QStringLiteral("-w"),
                             QStringLiteral("-t"), QStringLiteral("60"), QStringLiteral("-o"),
                             options, QStringLiteral("start")},
                            &out);
        if (!ok)
            problem = QStringLiteral("pg_ctl start failed: ") + out.right(500);
        m_running = ok;
        return ok;
    }

    // fast: the server ends every session (clients see their connections die), checkpoints and
    // exits; immediate: like a crash.
    bool stop(const QString &mode = QStringLiteral("fast"))
    {
        if (!m_running)
            return true;
        QString out;
        const bool ok = run(QStringLiteral("pg_ctl"),
                            {QStringLiteral("-D"), dataDir(), QStringLiteral("-m"), mode,
                             QStringLiteral("-w"), QStringLiteral("stop")},
                            &out);
        if (ok)
            m_running = false;
        return ok;
    }

    QString url() const
    {
        return QStringLiteral("postgresql://postgres@127.0.0.1:%1/postgres?connect_timeout=2")
            .arg(m_port);
    }

private:
    QString dataDir() const { return m_dir.path() + QStringLiteral("/data"); }

    bool run(const QString &program, const QStringList &args, QString *output)
    {
        QProcess p;
        p.setProcessChannelMode(QProcess::MergedChannels);
        const QString exe = m_bin + u'/' + program;
        if (m_asPostgres)
            p.start(QStringLiteral("runuser"),
                    QStringList{QStringLiteral("-u"), QStringLiteral("postgres"),
                                QStringLiteral("--"), exe} +
                        args);
        else
            p.start(exe, args);
        const bool finished = p.waitForFinished(120000);
        *output = QString::fromLocal8Bit(p.readAll());
        return finished && p.exitStatus() == QProcess::NormalExit && p.exitCode() == 0;
    }

    QTemporaryDir m_dir{QDir::tempPath() + QStringLiteral("/coderunner-outage.XXXXXX")};
    QString m_bin;
    bool m_asPostgres = false;
    bool m_running = false;
    quint16 m_port = 0;
};

struct Outcome
{
    qint64 startedMs = 0; // since the test's timer started
    qint64 tookMs = 0;
    int status = 0; // 0: no answer
    QByteArray code;
    QByteArray retryAfter;
    QString email;
};

} // namespace

class TestOutage : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void postgresStoppedAndRestartedUnderLoad()
    {
        OwnCluster cluster;
        if (!cluster.init() || !cluster.start()) {
            // Only missing binaries skip (unless PostgreSQL is required); a cluster that
            // exists but does not start is a failure.
            if (cluster.noBinaries && !requirePostgres())
                QSKIP(qPrintable(cluster.problem));
            QFAIL(qPrintable(QStringLiteral("PostgreSQL cluster: ") + cluster.problem));
        }

        Settings settings = TestServer::defaults();
        settings.database = cluster.url();
        settings.storageThreads = 2;
        settings.passwordHashMemoryMib = 8;
        settings.passwordHashIdlePriority = false;
        settings.healthIntervalMs = 100;
        settings.breakerFailureThreshold = 3;
        settings.breakerCoolDownMs = 500;
        TestServer server(settings);
        QVERIFY(server.start());
        QVERIFY(server.waitForHealth());
        const quint16 port = server.port();
        auto breaker = server.engine().breakers()->find(QStringLiteral("database"));
        QVERIFY(breaker);
        QList<CircuitBreaker::State> transitions;
        QMutex transitionsMutex;
        server.engine().breakers()->addListener(
            [&](const QString &, CircuitBreaker::State, CircuitBreaker::State to) {
                QMutexLocker lock(&transitionsMutex);
                transitions.append(to);
            });

        // Load: four clients registering new accounts back to back, each request on a fresh
        // connection with a bounded wait (a hang shows up as status 0).
        QElapsedTimer clock;
        clock.start();
        std::atomic<bool> stopLoad{false};
        QMutex outcomesMutex;
        QList<Outcome> outcomes;
        std::vector<std::thread> clients;
        for (int c = 0; c < 4; ++c) {
            clients.emplace_back([&, c] {
                for (int n = 0; !stopLoad.load(); ++n) {
                    Outcome o;
                    o.email = QStringLiteral("outage-%1-%2@example.com").arg(c).arg(n);
                    const QByteArray body =
                        QJsonDocument(QJsonObject{{QStringLiteral("email"), o.email},
                                                  {QStringLiteral("password"), kPassword}})
                            .toJson(QJsonDocument::Compact);
                    o.startedMs = clock.elapsed();
                    RawClient client(port);
                    client.send("POST /api/auth/register HTTP/1.1\r\nHost: localhost\r\n"
                                "Content-Type: application/json\r\nContent-Length: " +
                                QByteArray::number(body.size()) + "\r\nConnection: close\r\n\r\n" +
                                body);
                    const std::optional<RawClient::Response> r = client.read(10000);
                    o.tookMs = clock.elapsed() - o.startedMs;
                    if (r) {
                        o.status = r->status;
                        o.code = r->json().value(QStringLiteral("code")).toString().toLatin1();
                        o.retryAfter = r->header("retry-after");
                    }
                    QMutexLocker lock(&outcomesMutex);
                    outcomes.append(o);
                }
            });
        }
        auto count = [&](auto predicate) {
            QMutexLocker lock(&outcomesMutex);
            return std::count_if(outcomes.cbegin(), outcomes.cend(), predicate);
        };
        auto stopClients = [&] {
            stopLoad = true;
            for (std::thread &t : clients)
                t.join();
            clients.clear();
        };
        struct Guard
        {
            std::function<void()> f;
            ~Guard() { f(); }
        } joinAtExit{[&] {
            if (!clients.empty())
                stopClients();
        }};

        // Up: registrations succeed.
        QTRY_VERIFY_WITH_TIMEOUT(count([](const Outcome &o) { return o.status == 201; }) >= 5,
                                 20000);

        // Down.
        const qint64 downAt = clock.elapsed();
        QVERIFY(cluster.stop(QStringLiteral("fast")));
        QTRY_COMPARE_WITH_TIMEOUT(breaker->state(), CircuitBreaker::State::Open, 20000);
        const qint64 openAt = clock.elapsed();
        // While down: answered 503 DEPENDENCY_UNAVAILABLE with Retry-After, fast.
        QTRY_VERIFY_WITH_TIMEOUT(count([openAt](const Outcome &o) {
                                     return o.startedMs > openAt && o.status == 503 &&
                                            !o.retryAfter.isEmpty();
                                 }) >= 10,
                                 20000);
        QTRY_COMPARE_WITH_TIMEOUT(server.engine().health()->overall, CheckStatus::Down, 10000);
        // Still down after the cool-down: the half-open probe fails and the breaker opens again.
        QTRY_VERIFY_WITH_TIMEOUT(breaker->status().timesOpened >= 2, 20000);
        {
            auto health = RawClient::get(port, "/health");
            QVERIFY(health);
            QCOMPARE(health->status, 503);
        }

        // Up again: the breaker closes by itself (health probes and requests) and registrations
        // succeed again.
        const qint64 restartAt = clock.elapsed();
        QVERIFY2(cluster.start(), qPrintable(cluster.problem));
        QTRY_COMPARE_WITH_TIMEOUT(breaker->state(), CircuitBreaker::State::Closed, 20000);
        QTRY_VERIFY_WITH_TIMEOUT(count([restartAt](const Outcome &o) {
                                     return o.startedMs > restartAt && o.status == 201;
                                 }) >= 5,
                                 20000);
        stopClients();
        QTRY_VERIFY_WITH_TIMEOUT(server.engine().health()->overall != CheckStatus::Down, 10000);

        // Every request was answered, in bounded time, with success or a 503 that says why.
        QList<Outcome> all;
        {
            QMutexLocker lock(&outcomesMutex);
            all = outcomes;
        }
        QSet<QString> acknowledged;
        int refusedFast = 0;
        qint64 slowestWhileOpen = 0;
        for (const Outcome &o : all) {
            QVERIFY2(o.status != 0, qPrintable(QStringLiteral("no answer for %1 within 10 s "
                                                              "(started at %2 ms)")
                                                   .arg(o.email)
                                                   .arg(o.startedMs)));
            QVERIFY2(o.status == 201 || o.status == 503,
                     qPrintable(QStringLiteral("status %1 (%2)")
                                    .arg(o.status)
                                    .arg(QString::fromLatin1(o.code))));
            if (o.status == 503)
                QCOMPARE(o.code, QByteArray("DEPENDENCY_UNAVAILABLE"));
            if (o.status == 201)
                acknowledged.insert(o.email);
            if (o.status == 503 && !o.retryAfter.isEmpty()) {
                ++refusedFast;
                QVERIFY(o.retryAfter.toInt() >= 1);
            }
            if (o.startedMs > openAt && o.startedMs < restartAt)
                slowestWhileOpen = qMax(slowestWhileOpen, o.tookMs);
        }
        QVERIFY(refusedFast >= 10);
        // Fast: an open breaker answers without trying the database (bounded well below the
        // 2 s connect timeout even on a loaded machine).
        QVERIFY2(
            slowestWhileOpen < 2000,
            qPrintable(QStringLiteral("slowest answer while open: %1 ms").arg(slowestWhileOpen)));
        {
            QMutexLocker lock(&transitionsMutex);
            QVERIFY(transitions.contains(CircuitBreaker::State::Open));
            QCOMPARE(transitions.last(), CircuitBreaker::State::Closed);
        }
        qInfo("%d requests, %d acknowledged, %d refused by the open breaker; down at %lld ms, "
              "open at %lld ms, restarted at %lld ms",
              int(all.size()), int(acknowledged.size()), refusedFast, downAt, openAt, restartAt);

        // Nothing acknowledged was lost.
        Result<DatabaseConfig> config = DatabaseConfig::fromUrl(cluster.url());
        QVERIFY(config);
        Result<std::unique_ptr<Db>> db =
            ConnectionFactory(config.value()).open(QStringLiteral("verify"));
        QVERIFY2(db, qPrintable(db ? QString() : db.error().message));
        Result<Rows> rows = db.value()->query(Sql("SELECT email FROM users"));
        QVERIFY(rows);
        QSet<QString> stored;
        for (int i = 0; i < rows.value().size(); ++i)
            stored.insert(rows.value().value(i, "email").toString());
        for (const QString &email : std::as_const(acknowledged))
            QVERIFY2(stored.contains(email), qPrintable(email + QStringLiteral(" was lost")));
        db.value().reset();
    }
};

QTEST_MAIN(TestOutage)
#include "tst_health_outage.moc"
