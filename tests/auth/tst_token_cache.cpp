// VerifiedTokenCache: hits and misses, eviction at exp (ManualClock), the capacity bound (also
// below the shard count), soonest-expiring eviction, remove/clear, and concurrent use.

#include "auth/VerifiedTokenCache.h"
#include "core/Clock.h"

#include <QTest>
#include <QThread>

#include <atomic>
#include <memory>
#include <vector>

using namespace cr;

namespace {

VerifiedToken tokenExpiringAt(qint64 expSeconds, const QString &sub = QStringLiteral("user"))
{
    VerifiedToken t;
    t.sub = sub;
    t.role = Role::Developer;
    t.sid = QStringLiteral("sid");
    t.jti = QStringLiteral("jti-") + sub;
    t.iat = expSeconds - 900;
    t.nbf = t.iat;
    t.exp = expSeconds;
    t.kid = QStringLiteral("kid");
    return t;
}

QByteArray tokenText(int i)
{
    return QByteArrayLiteral("header.payload-") + QByteArray::number(i) + QByteArrayLiteral(".sig");
}

} // namespace

class tst_TokenCache : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void hitAndMiss();
    void evictedAtExp();
    void expiredNotStored();
    void capacityBound();
    void capacityBelowShardCount();
    void evictsSoonestExpiringFirst();
    void expiredMakeRoomFirst();
    void removeAndClear();
    void concurrentUse();
};

void tst_TokenCache::hitAndMiss()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock);
    QCOMPARE(cache.capacity(), 10000);
    const qint64 now = clock.wallMs() / 1000;
    QVERIFY(!cache.find("a.b.c").has_value());
    cache.insert("a.b.c", tokenExpiringAt(now + 60, QStringLiteral("alice")));
    const std::optional<VerifiedToken> hit = cache.find("a.b.c");
    QVERIFY(hit.has_value());
    QCOMPARE(hit->sub, QStringLiteral("alice"));
    QCOMPARE(hit->role, Role::Developer);
    QVERIFY(!cache.find("a.b.d").has_value()); // any other token text misses
    QVERIFY(!cache.find("a.b.c ").has_value());
    QCOMPARE(cache.size(), 1);
    // Inserting the same token again replaces, it does not duplicate.
    cache.insert("a.b.c", tokenExpiringAt(now + 60, QStringLiteral("alice2")));
    QCOMPARE(cache.size(), 1);
    QCOMPARE(cache.find("a.b.c")->sub, QStringLiteral("alice2"));
}

void tst_TokenCache::evictedAtExp()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock);
    const qint64 now = clock.wallMs() / 1000;
    cache.insert("t", tokenExpiringAt(now + 10));
    const qint64 expMs = (now + 10) * 1000;
    clock.advance(expMs - clock.wallMs() - 1);
    QVERIFY(cache.find("t").has_value()); // 1 ms before exp
    clock.advance(1);
    QVERIFY(!cache.find("t").has_value()); // at exp
    QCOMPARE(cache.size(), 0);             // and gone, not just hidden
}

void tst_TokenCache::expiredNotStored()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock);
    const qint64 now = clock.wallMs() / 1000;
    cache.insert("old", tokenExpiringAt(now - 1));
    cache.insert("now", tokenExpiringAt(now));
    QCOMPARE(cache.size(), 0);
}

void tst_TokenCache::capacityBound()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock, 100);
    QCOMPARE(cache.capacity(), 100);
    const qint64 now = clock.wallMs() / 1000;
    for (int i = 0; i < 1000; ++i) {
        cache.insert(tokenText(i), tokenExpiringAt(now + 60 + i));
        QVERIFY(cache.size() <= 100);
        QVERIFY(cache.find(tokenText(i)).has_value()); // the newest is always kept
    }
    // Every shard filled up to its share.
    QCOMPARE(cache.size(), 100);
}

void tst_TokenCache::capacityBelowShardCount()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock, 3);
    const qint64 now = clock.wallMs() / 1000;
    for (int i = 0; i < 50; ++i)
        cache.insert(tokenText(i), tokenExpiringAt(now + 60));
    QCOMPARE(cache.size(), 3);
    VerifiedTokenCache one(clock, 0); // at least one entry
    QCOMPARE(one.capacity(), 1);
    one.insert("x", tokenExpiringAt(now + 60));
    one.insert("y", tokenExpiringAt(now + 60));
    QCOMPARE(one.size(), 1);
    QVERIFY(one.find("y").has_value());
}

void tst_TokenCache::evictsSoonestExpiringFirst()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock, 32); // 16 shards of 2
    const qint64 now = clock.wallMs() / 1000;
    // Each token expires sooner than the one before: the first (latest exp) is never the one a
    // full shard gives up, whatever shard it landed in; FIFO or LRU would have dropped it.
    for (int i = 0; i < 1000; ++i)
        cache.insert(tokenText(i), tokenExpiringAt(now + 2000 - i));
    QCOMPARE(cache.size(), 32);
    QVERIFY(cache.find(tokenText(0)).has_value());
    QVERIFY(cache.find(tokenText(999)).has_value());

    VerifiedTokenCache one(clock, 1);
    one.insert("late", tokenExpiringAt(now + 600));
    one.insert("soon", tokenExpiringAt(now + 10));
    QCOMPARE(one.size(), 1);
    QVERIFY(one.find("soon").has_value()); // the newest entry is always stored
}

void tst_TokenCache::expiredMakeRoomFirst()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock, 32);
    const qint64 now = clock.wallMs() / 1000;
    for (int i = 0; i < 1000; ++i)
        cache.insert(tokenText(i), tokenExpiringAt(now + 5));
    QCOMPARE(cache.size(), 32);
    clock.advance(6000);
    for (int i = 1000; i < 2000; ++i)
        cache.insert(tokenText(i), tokenExpiringAt(now + 600 + i));
    // Every slot now holds a live token (counted before any find() could drop expired ones).
    QCOMPARE(cache.size(), 32);
    int live = 0;
    for (int i = 1000; i < 2000; ++i)
        live += cache.find(tokenText(i)).has_value() ? 1 : 0;
    QCOMPARE(live, 32);
}

void tst_TokenCache::removeAndClear()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock);
    const qint64 now = clock.wallMs() / 1000;
    for (int i = 0; i < 10; ++i)
        cache.insert(tokenText(i), tokenExpiringAt(now + 60));
    cache.remove(tokenText(3));
    cache.remove("never inserted");
    QVERIFY(!cache.find(tokenText(3)).has_value());
    QCOMPARE(cache.size(), 9);
    cache.clear();
    QCOMPARE(cache.size(), 0);
}

void tst_TokenCache::concurrentUse()
{
    ManualClock clock;
    VerifiedTokenCache cache(clock, 500);
    const qint64 now = clock.wallMs() / 1000;
    std::atomic<int> hits{0};
    std::vector<std::unique_ptr<QThread>> threads;
    for (int t = 0; t < 4; ++t) {
        threads.emplace_back(QThread::create([&, t] {
            for (int i = 0; i < 5000; ++i) {
                const QByteArray token = tokenText(t * 100000 + (i % 800));
                if (cache.find(token))
                    hits.fetch_add(1);
                else
                    cache.insert(token, tokenExpiringAt(now + 60 + (i % 7)));
                if (i % 1000 == 0)
                    clock.advance(1);
            }
        }));
        threads.back()->start();
    }
    for (auto &th : threads)
        QVERIFY(th->wait(60000));
    QVERIFY(cache.size() <= 500);
    QVERIFY(hits.load() > 0);
}

QTEST_GUILESS_MAIN(tst_TokenCache)
#include "tst_token_cache.moc"
