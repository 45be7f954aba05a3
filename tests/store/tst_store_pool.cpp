// StoragePool: jobs run on the pool's threads (each with its own connection) and their results
// arrive queued on the context object's thread; a full queue answers OVERLOADED; stop() answers
// the jobs still queued with DEPENDENCY_UNAVAILABLE, lets the running one finish, joins the
// threads and removes their connections; a destroyed context gets nothing.

#include "StoreTestSupport.h"

#include "core/Clock.h"
#include "store/Db.h"
#include "store/Migrator.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

#include <QSemaphore>
#include <QSqlDatabase>
#include <QTest>
#include <QThread>

#include <atomic>
#include <thread>

using namespace cr;

namespace {

struct Outcome
{
    bool done = false;
    bool ok = false;
    ErrorCode code = ErrorCode::Internal;
    QThread *deliveredOn = nullptr;
    int value = 0;
};

// A job result recorder: `done` for run<int>.
std::function<void(Result<int>)> record(Outcome *out)
{
    return [out](Result<int> r) {
        out->done = true;
        out->ok = r.ok();
        out->code = r.ok() ? ErrorCode::Internal : r.error().code;
        out->value = r.ok() ? r.value() : 0;
        out->deliveredOn = QThread::currentThread();
    };
}

// A job that waits until the test lets it go.
std::function<Result<int>(Db &)> blocker(QSemaphore *gate, std::atomic<bool> *running)
{
    return [gate, running](Db &) -> Result<int> {
        *running = true;
        gate->acquire();
        return 7;
    };
}

bool poolConnectionsLeft()
{
    const QStringList names = QSqlDatabase::connectionNames();
    for (const QString &n : names) {
        if (n.startsWith(QStringLiteral("cr-store-pool")))
            return true;
    }
    return false;
}

} // namespace

class tst_StorePool : public QObject
{
    Q_OBJECT

private:
    ManualClock m_clock;

private Q_SLOTS:
    void runsOffThreadAndDeliversOnContext_data() { cr::test::addBackendRows(); }
    void runsOffThreadAndDeliversOnContext()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(database, backend);
        {
            auto db = database.factory().create(QStringLiteral("migrate"));
            QVERIFY(Migrator(m_clock).migrate(*db).ok());
        }
        StoragePool pool(database.factory(), {2, 64});
        pool.start();
        QVERIFY(pool.isRunning());

        // Context in this (the test's) thread.
        QObject here;
        std::atomic<QThread *> jobThread{nullptr};
        QString jobThreadName;
        Outcome a;
        pool.run<int>(
            &here,
            [&](Db &db) -> Result<int> {
                jobThread = QThread::currentThread();
                jobThreadName = QThread::currentThread()->objectName();
                const Result<int> n =
                    db.exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"),
                            {QStringLiteral("a"), QStringLiteral("1")});
                return n;
            },
            record(&a));
        QVERIFY(!a.done); // never answered synchronously
        QTRY_VERIFY_WITH_TIMEOUT(a.done, 10000);
        QVERIFY(a.ok);
        QCOMPARE(a.value, 1);
        QVERIFY(jobThread.load() != QThread::currentThread());
        QVERIFY2(jobThreadName.startsWith(QStringLiteral("cr-storage-")),
                 qPrintable(jobThreadName));
        QCOMPARE(a.deliveredOn, QThread::currentThread());

        // Context in another thread with its own event loop.
        QThread other;
        other.start();
        QObject there;
        there.moveToThread(&other);
        Outcome b;
        pool.run<int>(
            &there,
            [](Db &db) -> Result<int> {
                const Result<QVariant> v = db.scalar(Sql("SELECT count(*) FROM settings_kv"));
                if (!v)
                    return v.error();
                return int(v.value().toLongLong());
            },
            record(&b));
        QTRY_VERIFY_WITH_TIMEOUT(b.done, 10000);
        QVERIFY(b.ok);
        QCOMPARE(b.value, 1);
        QCOMPARE(b.deliveredOn, &other);
        other.quit();
        other.wait();

        // Many concurrent write transactions through both threads all succeed.
        QList<Outcome> writes(20);
        for (int i = 0; i < writes.size(); ++i) {
            pool.run<int>(
                &here,
                [i](Db &db) -> Result<int> {
                    Transaction tx(db);
                    if (!tx.begun())
                        return tx.begun().error();
                    const Result<int> n =
                        db.exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"),
                                {QStringLiteral("w%1").arg(i), QString::number(i)});
                    if (!n)
                        return n.error();
                    if (Status st = tx.commit(); !st)
                        return st.error();
                    return n.value();
                },
                record(&writes[i]));
        }
        QTRY_VERIFY_WITH_TIMEOUT(
            std::all_of(writes.cbegin(), writes.cend(), [](const Outcome &o) { return o.done; }),
            20000);
        for (const Outcome &o : writes)
            QVERIFY(o.ok);
    }

    void fullQueueIsOverloaded()
    {
        CR_TEST_DATABASE(database, QStringLiteral("sqlite"));
        StoragePool pool(database.factory(), {1, 2});
        pool.start();
        QObject context;
        QSemaphore gate;
        std::atomic<bool> running{false};
        Outcome first, second, third, fourth;
        pool.run<int>(&context, blocker(&gate, &running), record(&first));
        QTRY_VERIFY_WITH_TIMEOUT(running, 10000); // the only thread is busy
        auto quick = [](Db &) -> Result<int> {
            return 1;
        };
        pool.run<int>(&context, quick, record(&second));
        pool.run<int>(&context, quick, record(&third));
        QCOMPARE(pool.queued(), 2);
        pool.run<int>(&context, quick, record(&fourth));
        QVERIFY(!fourth.done); // answered through the event loop, not re-entrantly
        QTRY_VERIFY_WITH_TIMEOUT(fourth.done, 10000);
        QVERIFY(!fourth.ok);
        QCOMPARE(fourth.code, ErrorCode::Overloaded);
        QCOMPARE(fourth.deliveredOn, QThread::currentThread());
        QVERIFY(!first.done && !second.done && !third.done);

        gate.release();
        QTRY_VERIFY_WITH_TIMEOUT(first.done && second.done && third.done, 10000);
        QVERIFY(first.ok && second.ok && third.ok);
        QCOMPARE(first.value, 7);
    }

    void stopAnswersPendingJobs()
    {
        CR_TEST_DATABASE(database, QStringLiteral("sqlite"));
        auto pool = std::make_unique<StoragePool>(database.factory(), StoragePool::Options{1, 16});
        pool->start();
        QTRY_VERIFY_WITH_TIMEOUT(poolConnectionsLeft(), 10000); // opened in its thread
        QObject context;
        QSemaphore gate;
        std::atomic<bool> running{false};
        Outcome first, second, third;
        pool->run<int>(&context, blocker(&gate, &running), record(&first));
        QTRY_VERIFY_WITH_TIMEOUT(running, 10000);
        auto quick = [](Db &) -> Result<int> {
            return 1;
        };
        pool->run<int>(&context, quick, record(&second));
        pool->run<int>(&context, quick, record(&third));

        std::thread stopper([&] { pool->stop(); }); // joins the busy thread: not from here
        QTRY_VERIFY_WITH_TIMEOUT(second.done && third.done, 10000);
        QVERIFY(!second.ok && !third.ok);
        QCOMPARE(second.code, ErrorCode::DependencyUnavailable);
        QCOMPARE(third.code, ErrorCode::DependencyUnavailable);
        QVERIFY(!pool->isRunning());
        QVERIFY(!first.done);
        gate.release(); // the running job finishes ...
        stopper.join(); // ... and stop() returns
        QTRY_VERIFY_WITH_TIMEOUT(first.done, 10000);
        QVERIFY(first.ok);
        QVERIFY2(!poolConnectionsLeft(), qPrintable(QSqlDatabase::connectionNames().join(u' ')));

        Outcome late;
        pool->run<int>(&context, quick, record(&late));
        QTRY_VERIFY_WITH_TIMEOUT(late.done, 10000);
        QCOMPARE(late.code, ErrorCode::DependencyUnavailable);
        pool->stop(); // again: nothing happens
        pool.reset();
    }

    void destroyedContextGetsNothing()
    {
        CR_TEST_DATABASE(database, QStringLiteral("sqlite"));
        StoragePool pool(database.factory(), {1, 16});
        pool.start();
        QSemaphore gate;
        std::atomic<bool> running{false};
        Outcome dropped;
        auto context = std::make_unique<QObject>();
        pool.run<int>(context.get(), blocker(&gate, &running), record(&dropped));
        QTRY_VERIFY_WITH_TIMEOUT(running, 10000);
        context.reset();
        gate.release();
        // A later job on the same single thread is answered after the first one was.
        QObject alive;
        Outcome after;
        pool.run<int>(
            &alive, [](Db &) -> Result<int> { return 2; }, record(&after));
        QTRY_VERIFY_WITH_TIMEOUT(after.done, 10000);
        QCoreApplication::processEvents();
        QVERIFY(!dropped.done);
    }

    void throwingJobIsInternal()
    {
        CR_TEST_DATABASE(database, QStringLiteral("sqlite"));
        StoragePool pool(database.factory(), {1, 16});
        pool.start();
        QObject context;
        Outcome out;
        pool.run<int>(
            &context, [](Db &) -> Result<int> { throw std::runtime_error("boom"); }, record(&out));
        QTRY_VERIFY_WITH_TIMEOUT(out.done, 10000);
        QVERIFY(!out.ok);
        QCOMPARE(out.code, ErrorCode::Internal);

        // void results work too.
        bool voidDone = false;
        pool.run<void>(
            &context, [](Db &) -> Status { return {}; }, [&](Status st) { voidDone = st.ok(); });
        QTRY_VERIFY_WITH_TIMEOUT(voidDone, 10000);
    }
};

QTEST_GUILESS_MAIN(tst_StorePool)
#include "tst_store_pool.moc"
