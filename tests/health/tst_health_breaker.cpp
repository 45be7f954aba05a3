// The circuit breaker state machine and its registry, with a ManualClock (no real waiting), and
// the storage pool failing fast behind an open breaker.

#include "core/CircuitBreaker.h"
#include "core/CircuitBreakers.h"
#include "core/Clock.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Db.h"
#include "store/StoragePool.h"

#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

#include <atomic>

using namespace cr;
using State = CircuitBreaker::State;

namespace {

CircuitBreakerOptions options(int threshold, qint64 coolDownMs, int probes = 1)
{
    CircuitBreakerOptions o;
    o.failureThreshold = threshold;
    o.coolDownMs = coolDownMs;
    o.halfOpenProbes = probes;
    return o;
}

void fail(CircuitBreaker &b, int times)
{
    for (int i = 0; i < times; ++i) {
        const CircuitBreaker::Permit p = b.acquire();
        QVERIFY(p.allowed);
        b.recordFailure(p);
    }
}

} // namespace

class TestBreaker : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void opensAfterConsecutiveFailures()
    {
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("database"), clock, options(3, 10000));
        fail(b, 2);
        QCOMPARE(b.state(), State::Closed);
        QCOMPARE(b.status().consecutiveFailures, 2);
        // A success in between starts the count again.
        const auto ok = b.acquire();
        b.recordSuccess(ok);
        QCOMPARE(b.status().consecutiveFailures, 0);
        fail(b, 2);
        QCOMPARE(b.state(), State::Closed);
        fail(b, 1);
        QCOMPARE(b.state(), State::Open);
        QCOMPARE(b.status().timesOpened, quint64(1));
    }

    void openRefusesWithRetryAfterUntilCoolDown()
    {
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("database"), clock, options(1, 10000));
        fail(b, 1);
        clock.advance(2500);
        const CircuitBreaker::Permit p = b.acquire();
        QVERIFY(!p.allowed);
        QCOMPARE(p.retryAfterMs, qint64(7500));
        const Error e = b.refusal(p);
        QCOMPARE(e.code, ErrorCode::DependencyUnavailable);
        QCOMPARE(e.retryAfterSeconds, 8); // rounded up to whole seconds
        QVERIFY(e.message.contains(QLatin1String("database")));
        QCOMPARE(b.status().retryAfterMs, qint64(7500));
        clock.advance(7499);
        QVERIFY(!b.acquire().allowed);
        QCOMPARE(b.refusal(b.acquire()).retryAfterSeconds, 1); // at least 1
        QCOMPARE(b.state(), State::Open);
    }

    void halfOpenLetsLimitedProbesThrough()
    {
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("database"), clock, options(1, 1000, 2));
        fail(b, 1);
        clock.advance(1000);
        const auto p1 = b.acquire();
        QVERIFY(p1.allowed && p1.probe);
        QCOMPARE(b.state(), State::HalfOpen);
        const auto p2 = b.acquire();
        QVERIFY(p2.allowed && p2.probe);
        const auto p3 = b.acquire(); // a third one while two are out
        QVERIFY(!p3.allowed);
        QCOMPARE(b.refusal(p3).retryAfterSeconds, 1);
        b.recordSuccess(p1);
        QCOMPARE(b.state(), State::HalfOpen); // two successes close it
        b.recordSuccess(p2);
        QCOMPARE(b.state(), State::Closed);
        QVERIFY(b.acquire().allowed);
    }

    void failedProbeReopensWithNewCoolDown()
    {
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("database"), clock, options(1, 1000));
        fail(b, 1);
        clock.advance(1500);
        const auto probe = b.acquire();
        QVERIFY(probe.probe);
        b.recordFailure(probe);
        QCOMPARE(b.state(), State::Open);
        QCOMPARE(b.status().timesOpened, quint64(2));
        const auto refused = b.acquire();
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.retryAfterMs, qint64(1000)); // counted from the reopening
    }

    void releasedProbeFreesItsSlot()
    {
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("database"), clock, options(1, 1000));
        fail(b, 1);
        clock.advance(1000);
        const auto probe = b.acquire();
        QVERIFY(!b.acquire().allowed);
        b.release(probe); // did not touch the dependency: decides nothing
        QCOMPARE(b.state(), State::HalfOpen);
        const auto again = b.acquire();
        QVERIFY(again.allowed && again.probe);
    }

    void staleRecordsAreIgnored()
    {
        ManualClock clock;
        CircuitBreaker b(QStringLiteral("database"), clock, options(2, 1000));
        const auto before1 = b.acquire();
        const auto before2 = b.acquire();
        const auto before3 = b.acquire();
        b.recordFailure(before1);
        b.recordFailure(before2);
        QCOMPARE(b.state(), State::Open);
        // A call let through while it was closed answers late: it must not close it.
        b.recordSuccess(before3);
        QCOMPARE(b.state(), State::Open);
        clock.advance(1000);
        const auto probe = b.acquire();
        b.recordFailure(before3); // stale too: the probe decides
        QCOMPARE(b.state(), State::HalfOpen);
        b.recordSuccess(probe);
        QCOMPARE(b.state(), State::Closed);
    }

    void registryNotifiesTransitions()
    {
        ManualClock clock;
        CircuitBreakers registry(clock);
        QList<QPair<QString, int>> seen;
        const int id = registry.addListener([&seen](const QString &name, State, State to) {
            seen.append({name, int(to)});
        });
        auto db = registry.add(QStringLiteral("database"), options(1, 100));
        QCOMPARE(registry.add(QStringLiteral("database")), db); // one per dependency
        auto sandbox = registry.add(QStringLiteral("sandbox"));
        QCOMPARE(registry.names(),
                 (QStringList{QStringLiteral("database"), QStringLiteral("sandbox")}));
        QCOMPARE(registry.find(QStringLiteral("sandbox")), sandbox);
        QVERIFY(!registry.find(QStringLiteral("nope")));
        QVERIFY(registry.open().isEmpty());

        fail(*db, 1);
        QCOMPARE(registry.open(), QStringList{QStringLiteral("database")});
        clock.advance(100);
        const auto probe = db->acquire();
        QCOMPARE(registry.open(), QStringList{QStringLiteral("database")}); // half-open counts
        db->recordSuccess(probe);
        QVERIFY(registry.open().isEmpty());
        QCOMPARE(seen.size(), 3);
        QCOMPARE(seen.at(0).second, 2); // the metric's numbers: open
        QCOMPARE(seen.at(1).second, 1); // half-open
        QCOMPARE(seen.at(2).second, 0); // closed

        registry.removeListener(id);
        fail(*db, 1);
        QCOMPARE(seen.size(), 3);
    }

    // The pool refuses jobs at once while the breaker is open, answering DEPENDENCY_UNAVAILABLE
    // with a Retry-After, and runs them again once a probe has closed it.
    void poolFailsFastWhileOpen()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        Result<DatabaseConfig> config = DatabaseConfig::fromUrl(
            QStringLiteral("sqlite:") + dir.filePath(QStringLiteral("t.db")));
        QVERIFY(config);
        ManualClock clock;
        auto breaker =
            std::make_shared<CircuitBreaker>(QStringLiteral("database"), clock, options(1, 5000));
        StoragePool pool(ConnectionFactory(config.value()), StoragePool::Options{1, 16});
        pool.setBreaker(breaker);
        std::atomic<int> observed{0};
        pool.setQueryObserver([&observed](double seconds, bool) {
            if (seconds >= 0)
                observed.fetch_add(1);
        });
        pool.start();

        auto runJob = [&pool](std::function<Result<int>(Db &)> job) {
            std::optional<Result<int>> answer;
            QObject context;
            pool.run<int>(&context, std::move(job),
                          [&answer](Result<int> r) { answer = std::move(r); });
            [&] {
                QTRY_VERIFY(answer.has_value());
            }();
            return *answer;
        };
        std::atomic<int> ran{0};
        auto select = [&ran](Db &db) -> Result<int> {
            ran.fetch_add(1);
            Result<QVariant> v = db.scalar(Sql("SELECT 1"));
            if (!v)
                return v.error();
            return int(v.value().toLongLong());
        };

        QCOMPARE(runJob(select).value(), 1);
        QCOMPARE(observed.load(), 1);
        // A job that fails for want of the database opens the breaker (threshold 1): an
        // outage is what Db reports for an unusable connection; simulate it with a failure
        // recorded by the breaker itself.
        const auto permit = breaker->acquire();
        breaker->recordFailure(permit);
        QCOMPARE(breaker->state(), State::Open);

        const Result<int> refused = runJob(select);
        QVERIFY(!refused);
        QCOMPARE(refused.error().code, ErrorCode::DependencyUnavailable);
        QCOMPARE(refused.error().retryAfterSeconds, 5);
        QCOMPARE(ran.load(), 1); // never reached the database

        clock.advance(5000); // the next job is the half-open probe
        QCOMPARE(runJob(select).value(), 1);
        QCOMPARE(breaker->state(), State::Closed);
        QCOMPARE(ran.load(), 2);

        // A constraint violation is the caller's problem, not an outage.
        QVERIFY(runJob([](Db &db) -> Result<int> {
                    Result<int> r =
                        db.exec(Sql("CREATE TABLE IF NOT EXISTS t (id INTEGER PRIMARY KEY)"));
                    if (!r)
                        return r.error();
                    db.exec(Sql("INSERT INTO t (id) VALUES (1)"));
                    Result<int> dup = db.exec(Sql("INSERT INTO t (id) VALUES (1)"));
                    if (dup)
                        return Error::make(ErrorCode::Internal,
                                           QStringLiteral("expected a conflict"));
                    return dup.error().code == ErrorCode::Conflict ? 1 : 0;
                }).value() == 1);
        QCOMPARE(breaker->state(), State::Closed);
        QCOMPARE(breaker->status().consecutiveFailures, 0);
        pool.stop();
    }

    // An SQLite file that cannot be opened is an outage: consecutive failing jobs open the
    // breaker; later jobs fail fast.
    void unopenableDatabaseOpensBreaker()
    {
        QTemporaryDir dir;
        QVERIFY(dir.isValid());
        // A directory where the database file should be: SQLite cannot open it.
        const QString path = dir.filePath(QStringLiteral("dir.db"));
        QVERIFY(QDir().mkpath(path));
        Result<DatabaseConfig> config = DatabaseConfig::fromUrl(QStringLiteral("sqlite:") + path);
        QVERIFY(config);
        ManualClock clock;
        auto breaker =
            std::make_shared<CircuitBreaker>(QStringLiteral("database"), clock, options(2, 5000));
        StoragePool pool(ConnectionFactory(config.value()), StoragePool::Options{1, 16});
        pool.setBreaker(breaker);
        pool.start();
        QObject context;
        int answered = 0;
        QList<Error> errors;
        for (int i = 0; i < 4; ++i)
            pool.run<int>(
                &context,
                [](Db &db) -> Result<int> {
                    Result<QVariant> v = db.scalar(Sql("SELECT 1"));
                    if (!v)
                        return v.error();
                    return 1;
                },
                [&](Result<int> r) {
                    ++answered;
                    if (!r)
                        errors.append(r.error());
                });
        QTRY_COMPARE(answered, 4);
        QCOMPARE(errors.size(), 4);
        QCOMPARE(breaker->state(), State::Open);
        for (const Error &e : errors)
            QCOMPARE(e.code, ErrorCode::DependencyUnavailable);
        QCOMPARE(errors.last().retryAfterSeconds, 5); // refused by the breaker
        pool.stop();
    }
};

QTEST_GUILESS_MAIN(TestBreaker)
#include "tst_health_breaker.moc"
