// PasswordHasher: Argon2id hash/verify (sync and async), wrong password, NFKC, needsRehash, the
// dummy verify, load shedding (deadline with a ManualClock, full queue), delivery on the context
// thread, a context destroyed before its answer, shutdown with queued jobs, and the default cost
// (logged, not asserted). Fast parameters everywhere except the cost measurement.

#include "auth/PasswordHasher.h"
#include "core/Clock.h"

#include <QElapsedTimer>
#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <optional>

using namespace cr;

namespace {

constexpr int kWaitMs = 30000;

PasswordHasher::Options fast(int threads = 2, int capacity = 64, qint64 timeoutMs = 5000)
{
    PasswordHasher::Options o;
    o.opsLimit = 1;
    o.memLimitBytes = 64 * 1024;
    o.threads = threads;
    o.queueCapacity = capacity;
    o.queueTimeoutMs = timeoutMs;
    return o;
}

// Collects one asynchronous answer.
template<typename T>
struct Answer
{
    std::shared_ptr<std::optional<Result<T>>> value = std::make_shared<std::optional<Result<T>>>();
    std::shared_ptr<QThread *> thread = std::make_shared<QThread *>(nullptr);

    std::function<void(Result<T>)> callback() const
    {
        return [v = value, t = thread](Result<T> r) {
            *t = QThread::currentThread();
            v->emplace(std::move(r));
        };
    }
    bool ready() const { return value->has_value(); }
    const Result<T> &result() const { return **value; }
};

} // namespace

class tst_PasswordHasher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void syncHashAndVerify();
    void asyncHashAndVerify();
    void normalisedBeforeHashing();
    void needsRehash();
    void dummyVerify();
    void malformedStoredHash();
    void deadlinePassedIsOverloaded();
    void queueFullIsOverloaded();
    void deliveredOnContextThread();
    void contextDestroyedFirst();
    void shutdownAnswersQueuedJobs();
    void defaultCost();
};

void tst_PasswordHasher::syncHashAndVerify()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast());
    const Result<QByteArray> h = hasher.hashNow(QStringLiteral("TestPassword123!"));
    QVERIFY(h.ok());
    QVERIFY(h.value().startsWith("$argon2id$v=19$m=64,t=1,p=1$"));
    QVERIFY(hasher.verifyNow(QStringLiteral("TestPassword123!"), h.value()).value());
    QVERIFY(!hasher.verifyNow(QStringLiteral("TestPassword123?"), h.value()).value());
    QVERIFY(!hasher.verifyNow(QString(), h.value()).value());
    // Salted: the same password never hashes the same twice.
    QVERIFY(hasher.hashNow(QStringLiteral("TestPassword123!")).value() != h.value());
}

void tst_PasswordHasher::asyncHashAndVerify()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast());
    QObject context;

    Answer<QByteArray> hashed;
    hasher.hash(QStringLiteral("IntegrationTest123!"), &context, hashed.callback());
    QVERIFY(!hashed.ready()); // never answered from inside the call
    QTRY_VERIFY_WITH_TIMEOUT(hashed.ready(), kWaitMs);
    QVERIFY(hashed.result().ok());
    const QByteArray stored = hashed.result().value();

    Answer<bool> right;
    Answer<bool> wrong;
    hasher.verify(QStringLiteral("IntegrationTest123!"), stored, &context, right.callback());
    hasher.verify(QStringLiteral("integrationtest123!"), stored, &context, wrong.callback());
    QTRY_VERIFY_WITH_TIMEOUT(right.ready() && wrong.ready(), kWaitMs);
    QVERIFY(right.result().ok());
    QCOMPARE(right.result().value(), true);
    QVERIFY(wrong.result().ok());
    QCOMPARE(wrong.result().value(), false);
    QCOMPARE(*right.thread, QThread::currentThread());
}

void tst_PasswordHasher::normalisedBeforeHashing()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast());
    // "é" precomposed and as e + combining acute are one password.
    const QByteArray stored = hasher.hashNow(QStringLiteral("caf\u00e9-au-lait-2024")).value();
    QVERIFY(hasher.verifyNow(QStringLiteral("cafe\u0301-au-lait-2024"), stored).value());
}

void tst_PasswordHasher::needsRehash()
{
    ManualClock clock;
    PasswordHasher weak(clock, fast());
    PasswordHasher::Options strongerOptions = fast();
    strongerOptions.opsLimit = 2;
    PasswordHasher stronger(clock, strongerOptions);
    const QByteArray old = weak.hashNow(QStringLiteral("TestPass123!")).value();
    QVERIFY(!weak.needsRehash(old));
    QVERIFY(stronger.needsRehash(old));
    QVERIFY(!stronger.needsRehash(stronger.hashNow(QStringLiteral("TestPass123!")).value()));
    QVERIFY(weak.needsRehash(QByteArray()));
    QVERIFY(weak.needsRehash("$2b$10$abcdefghijklmnopqrstuv")); // bcrypt: not ours
    QVERIFY(weak.needsRehash("garbage"));
}

void tst_PasswordHasher::dummyVerify()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast());
    QObject context;
    Answer<bool> a;
    Answer<bool> b;
    hasher.verifyDummy(QStringLiteral("TestPassword123!"), &context, a.callback());
    hasher.verifyDummy(QString(), &context, b.callback());
    QTRY_VERIFY_WITH_TIMEOUT(a.ready() && b.ready(), kWaitMs);
    QVERIFY(a.result().ok());
    QCOMPARE(a.result().value(), false);
    QVERIFY(b.result().ok());
    QCOMPARE(b.result().value(), false);
}

void tst_PasswordHasher::malformedStoredHash()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast());
    QCOMPARE(hasher.verifyNow(QStringLiteral("x"), "not a hash").error().code, ErrorCode::Internal);
    QObject context;
    Answer<bool> a;
    hasher.verify(QStringLiteral("x"), QByteArray(200, '$'), &context, a.callback());
    QTRY_VERIFY_WITH_TIMEOUT(a.ready(), kWaitMs);
    QCOMPARE(a.result().error().code, ErrorCode::Internal);
}

void tst_PasswordHasher::deadlinePassedIsOverloaded()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast(1, 64, 1000));
    QObject context;
    hasher.setPaused(true);
    Answer<QByteArray> late1;
    Answer<QByteArray> late2;
    hasher.hash(QStringLiteral("TestPass123!"), &context, late1.callback());
    hasher.hash(QStringLiteral("TestPass123!"), &context, late2.callback());
    QCOMPARE(hasher.queuedJobs(), 2);
    clock.advance(1001); // both now queued past their deadline
    Answer<QByteArray> onTime;
    hasher.hash(QStringLiteral("TestPass123!"), &context, onTime.callback());
    // The submit itself answered the expired jobs, although the workers are paused.
    QTRY_VERIFY_WITH_TIMEOUT(late1.ready() && late2.ready(), kWaitMs);
    QCOMPARE(late1.result().error().code, ErrorCode::Overloaded);
    QCOMPARE(late2.result().error().code, ErrorCode::Overloaded);
    QCOMPARE(hasher.queuedJobs(), 1);
    QVERIFY(!onTime.ready());

    // A worker that finds an expired job at the front answers it without hashing.
    clock.advance(1001);
    hasher.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(onTime.ready(), kWaitMs);
    QCOMPARE(onTime.result().error().code, ErrorCode::Overloaded);

    // Exactly at the deadline is still in time.
    hasher.setPaused(true);
    Answer<QByteArray> edge;
    hasher.hash(QStringLiteral("TestPass123!"), &context, edge.callback());
    clock.advance(1000);
    hasher.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(edge.ready(), kWaitMs);
    QVERIFY(edge.result().ok());
}

void tst_PasswordHasher::queueFullIsOverloaded()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast(1, 2));
    QObject context;
    hasher.setPaused(true);
    Answer<QByteArray> first;
    Answer<QByteArray> second;
    Answer<bool> third;
    hasher.hash(QStringLiteral("TestPass123!"), &context, first.callback());
    hasher.hash(QStringLiteral("TestPass123!"), &context, second.callback());
    hasher.verifyDummy(QStringLiteral("TestPass123!"), &context, third.callback());
    QCOMPARE(hasher.queuedJobs(), 2);
    QVERIFY(!third.ready()); // refused, but answered asynchronously like everything else
    QTRY_VERIFY_WITH_TIMEOUT(third.ready(), kWaitMs);
    QCOMPARE(third.result().error().code, ErrorCode::Overloaded);
    QVERIFY(!first.ready());
    hasher.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(first.ready() && second.ready(), kWaitMs);
    QVERIFY(first.result().ok());
    QVERIFY(second.result().ok());
}

void tst_PasswordHasher::deliveredOnContextThread()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast());
    QThread other;
    other.start();
    auto *context = new QObject;
    context->moveToThread(&other);

    Answer<QByteArray> hashed;
    Answer<bool> refused;
    hasher.hash(QStringLiteral("TestPass123!"), context, hashed.callback());
    hasher.verify(QStringLiteral("x"), "bad", context, refused.callback());
    QTRY_VERIFY_WITH_TIMEOUT(hashed.ready() && refused.ready(), kWaitMs);
    QCOMPARE(*hashed.thread, &other);
    QCOMPARE(*refused.thread, &other);
    QVERIFY(hashed.result().ok());

    // Also for an immediate refusal (queue full) made on this thread.
    PasswordHasher tiny(clock, fast(1, 1));
    tiny.setPaused(true);
    Answer<QByteArray> queued;
    Answer<QByteArray> busy;
    tiny.hash(QStringLiteral("a"), context, queued.callback());
    tiny.hash(QStringLiteral("b"), context, busy.callback());
    QTRY_VERIFY_WITH_TIMEOUT(busy.ready(), kWaitMs);
    QCOMPARE(busy.result().error().code, ErrorCode::Overloaded);
    QCOMPARE(*busy.thread, &other);
    tiny.setPaused(false);
    QTRY_VERIFY_WITH_TIMEOUT(queued.ready(), kWaitMs);
    QCOMPARE(*queued.thread, &other);

    QMetaObject::invokeMethod(
        context, [context] { delete context; }, Qt::BlockingQueuedConnection);
    other.quit();
    QVERIFY(other.wait(kWaitMs));
}

void tst_PasswordHasher::contextDestroyedFirst()
{
    ManualClock clock;
    PasswordHasher hasher(clock, fast(1));
    hasher.setPaused(true);
    std::atomic<int> calls{0};
    auto *doomed = new QObject;
    hasher.hash(QStringLiteral("TestPass123!"), doomed,
                [&calls](Result<QByteArray>) { calls.fetch_add(1); });
    delete doomed;
    QObject alive;
    Answer<QByteArray> after;
    hasher.hash(QStringLiteral("TestPass123!"), &alive, after.callback());
    hasher.setPaused(false);
    // One worker, in order: when the second answer is here the first was dropped.
    QTRY_VERIFY_WITH_TIMEOUT(after.ready(), kWaitMs);
    QCoreApplication::processEvents();
    QCOMPARE(calls.load(), 0);
}

void tst_PasswordHasher::shutdownAnswersQueuedJobs()
{
    ManualClock clock;
    QObject context;
    Answer<QByteArray> pending;
    {
        PasswordHasher hasher(clock, fast(1));
        hasher.setPaused(true);
        hasher.hash(QStringLiteral("TestPass123!"), &context, pending.callback());
    }
    QTRY_VERIFY_WITH_TIMEOUT(pending.ready(), kWaitMs);
    QCOMPARE(pending.result().error().code, ErrorCode::Overloaded);
}

void tst_PasswordHasher::defaultCost()
{
    // The shipped parameters, measured here (docs/AUTH.md quotes such a run): best of three.
    SystemClock clock;
    PasswordHasher hasher(clock);
    QCOMPARE(hasher.options().opsLimit, quint64(2));
    QVERIFY(hasher.options().memLimitBytes >= size_t(19) * 1024 * 1024);
    qint64 best = std::numeric_limits<qint64>::max();
    QByteArray stored;
    for (int i = 0; i < 3; ++i) {
        QElapsedTimer t;
        t.start();
        stored = hasher.hashNow(QStringLiteral("TestPassword123!")).value();
        best = qMin(best, t.elapsed());
    }
    QElapsedTimer v;
    v.start();
    QVERIFY(hasher.verifyNow(QStringLiteral("TestPassword123!"), stored).value());
    qInfo("Argon2id t=%llu m=%zu MiB: hash %lld ms (best of 3), verify %lld ms; %s",
          hasher.options().opsLimit, hasher.options().memLimitBytes >> 20, best, v.elapsed(),
          stored.left(30).constData());
    QVERIFY(!hasher.needsRehash(stored));
}

QTEST_GUILESS_MAIN(tst_PasswordHasher)
#include "tst_password_hasher.moc"
