// The GCRA store on its own: exact arithmetic (burst, refill, refund, force), the login
// back-off, expiry, eviction under address rotation and the memory bound. Times are explicit
// microseconds: no clock, no waiting.
#include "protect/GcraStore.h"
#include "protect/LimitStats.h"

#include <QtTest>

using namespace cr;

namespace {

constexpr qint64 kSecond = 1000000;

RatePolicy policy(int limit, int windowSeconds, PolicyId id = PolicyId::Anonymous)
{
    RatePolicy p;
    p.id = id;
    p.limit = limit;
    p.windowSeconds = windowSeconds;
    return p;
}

LimitKey ip(quint32 v4)
{
    return LimitKey::address(QHostAddress(v4));
}

} // namespace

class TestLimiter : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void burstThenRefusal()
    {
        GcraStore store;
        const RatePolicy p = policy(20, 10); // one every 500 ms, a burst of 20
        const qint64 t = 100 * kSecond;
        for (int i = 0; i < 20; ++i) {
            const RateDecision d = store.consume(p, ip(1), t, 1);
            QVERIFY2(d.allowed, qPrintable(QString::number(i)));
            QCOMPARE(d.remaining, 19 - i);
            QCOMPARE(d.resetSeconds, (i + 1) / 2 + ((i + 1) % 2)); // ceil((i+1) * 0.5 s)
        }
        const RateDecision refused = store.consume(p, ip(1), t, 1);
        QVERIFY(!refused.allowed);
        QCOMPARE(refused.remaining, 0);
        QCOMPARE(refused.retryAfterUs, 500000);
        QCOMPARE(refused.retryAfterSeconds, 1);
        QCOMPARE(refused.resetSeconds, 10);
        // Another key is not affected.
        QVERIFY(store.consume(p, ip(2), t, 1).allowed);
    }

    void refillIsExact()
    {
        GcraStore store;
        const RatePolicy p = policy(20, 10);
        const qint64 t = 100 * kSecond;
        for (int i = 0; i < 20; ++i)
            store.consume(p, ip(1), t, 1);
        QVERIFY(!store.consume(p, ip(1), t + 499999, 1).allowed);
        QVERIFY(store.consume(p, ip(1), t + 500000, 1).allowed);
        QVERIFY(!store.consume(p, ip(1), t + 500000, 1).allowed);
        // After a whole window the allowance is whole again.
        const RateDecision d = store.consume(p, ip(1), t + 500000 + 10 * kSecond, 1);
        QVERIFY(d.allowed);
        QCOMPARE(d.remaining, 19);
    }

    void refusalTakesNothing()
    {
        GcraStore store;
        const RatePolicy p = policy(2, 10); // one every 5 s
        const qint64 t = 100 * kSecond;
        store.consume(p, ip(1), t, 1);
        store.consume(p, ip(1), t, 1);
        for (int i = 0; i < 100; ++i)
            QVERIFY(!store.consume(p, ip(1), t + kSecond, 1).allowed);
        // Hammering while refused does not push the next allowance further away.
        QVERIFY(store.consume(p, ip(1), t + 5 * kSecond, 1).allowed);
    }

    void refundAndForce()
    {
        GcraStore store;
        const RatePolicy p = policy(3, 30);
        const qint64 t = 100 * kSecond;
        for (int i = 0; i < 3; ++i)
            QVERIFY(store.consume(p, ip(1), t, 1).allowed);
        QVERIFY(!store.consume(p, ip(1), t, 1).allowed);
        store.refund(p, ip(1), t, 1);
        QCOMPARE(store.peek(p, ip(1), t).remaining, 1);
        QVERIFY(store.consume(p, ip(1), t, 1).allowed);
        // force takes even when spent and says how long the caller would have waited.
        const RateDecision forced = store.force(p, ip(1), t, 1);
        QVERIFY(!forced.allowed);
        QCOMPARE(forced.retryAfterUs, 10 * kSecond);
        // A refund never goes below "whole".
        for (int i = 0; i < 10; ++i)
            store.refund(p, ip(1), t, 1);
        QCOMPARE(store.peek(p, ip(1), t).remaining, 3);
    }

    void peekChangesNothing()
    {
        GcraStore store;
        const RatePolicy p = policy(1, 60);
        const qint64 t = 100 * kSecond;
        for (int i = 0; i < 5; ++i)
            QVERIFY(store.peek(p, ip(1), t).allowed);
        QVERIFY(store.consume(p, ip(1), t, 1).allowed);
        const RateDecision d = store.peek(p, ip(1), t);
        QVERIFY(!d.allowed);
        QCOMPARE(d.retryAfterSeconds, 60);
    }

    void policiesDoNotShareKeys()
    {
        GcraStore store;
        const RatePolicy a = policy(1, 60, PolicyId::Anonymous);
        const RatePolicy b = policy(1, 60, PolicyId::LoginIp);
        const qint64 t = 100 * kSecond;
        QVERIFY(store.consume(a, ip(1), t, 1).allowed);
        QVERIFY(store.consume(b, ip(1), t, 1).allowed);
        QVERIFY(!store.consume(a, ip(1), t, 1).allowed);
    }

    void backoffDoubles()
    {
        GcraStore store;
        RatePolicy p = policy(1000, 1, PolicyId::Login); // a huge allowance: only back-off bites
        p.backoffAfter = 3;
        p.backoffMaxSeconds = 16;
        qint64 t = 100 * kSecond;
        // Three free failures.
        for (int i = 1; i <= 3; ++i) {
            QVERIFY(store.consume(p, ip(1), t, 1).allowed);
            QCOMPARE(store.fail(p, ip(1), t), i);
        }
        // Then 1 s, 2 s, 4 s, 8 s, 16 s, 16 s locks.
        for (qint64 lock : {1, 2, 4, 8, 16, 16}) {
            QVERIFY(store.consume(p, ip(1), t, 1).allowed);
            store.fail(p, ip(1), t);
            const RateDecision refused = store.consume(p, ip(1), t + lock * kSecond - 1000, 1);
            QVERIFY2(!refused.allowed, qPrintable(QString::number(lock)));
            QCOMPARE(refused.retryAfterSeconds, 1);
            t += lock * kSecond;
        }
        // A success ends the streak: the next failure is free again (once the allowance the
        // last lock left full has refilled).
        QVERIFY(store.consume(p, ip(1), t, 1).allowed);
        store.succeed(p, ip(1), t);
        t += kSecond;
        QVERIFY(store.consume(p, ip(1), t, 1).allowed);
        QCOMPARE(store.fail(p, ip(1), t), 1);
        QVERIFY(store.consume(p, ip(1), t, 1).allowed);
    }

    void streakOutlivesTheLock()
    {
        GcraStore store;
        RatePolicy p = policy(100, 1, PolicyId::Login);
        p.backoffAfter = 1;
        p.backoffMaxSeconds = 60;
        qint64 t = 100 * kSecond;
        store.fail(p, ip(1), t); // free
        store.fail(p, ip(1), t); // 1 s
        t += 30 * kSecond;       // long after the lock, within the streak's memory
        QCOMPARE(store.fail(p, ip(1), t), 3);
        QVERIFY(!store.consume(p, ip(1), t + kSecond, 1).allowed); // 2 s now
    }

    void expiredEntriesAreDropped()
    {
        GcraStore store(GcraStore::kEntryBytes * GcraStore::kShards * 16);
        const RatePolicy p = policy(10, 1);
        qint64 t = 100 * kSecond;
        for (quint32 i = 0; i < 4000; ++i)
            store.consume(p, ip(i), t, 1);
        QVERIFY(store.usage().entries <= GcraStore::kShards * 16);
        // A second later every entry has run out: new keys take their place without evicting
        // anything live.
        t += 2 * kSecond;
        const qint64 evictedBefore = store.usage().evicted;
        for (quint32 i = 10000; i < 10000 + GcraStore::kShards * 4; ++i)
            store.consume(p, ip(i), t, 1);
        QCOMPARE(store.usage().evicted, evictedBefore);
    }

    void rotationCannotGrowMemory()
    {
        // An attacker rotating through a million addresses (and IPv6 /64s).
        const qint64 cap = 4 * 1024 * 1024;
        GcraStore store(cap);
        const RatePolicy p = policy(5, 3600);
        const qint64 t = 100 * kSecond;
        // The attacker's own address has used its whole allowance first.
        const LimitKey own = ip(0xc0000201u);
        for (int i = 0; i < 5; ++i)
            QVERIFY(store.consume(p, own, t, 1).allowed);
        for (quint32 i = 0; i < 1000000; ++i) {
            if (i % 2) {
                Q_IPV6ADDR a{};
                a.c[0] = 0x20;
                a.c[1] = 0x01;
                std::memcpy(a.c + 4, &i, 4);
                store.consume(p, LimitKey::address(QHostAddress(a)), t, 1);
            } else {
                store.consume(p, ip(0x0a000000u + i), t, 1);
            }
        }
        const RateLimitStore::Usage u = store.usage();
        QVERIFY2(u.bytes <= cap, qPrintable(QStringLiteral("%1 > %2").arg(u.bytes).arg(cap)));
        QVERIFY(u.entries > 0);
        QVERIFY(u.evicted >= 1000000 - cap / GcraStore::kEntryBytes);
        // Eviction takes the entries nearest to running out: the spent key is still spent, so
        // rotating addresses does not buy the attacker's own address a fresh allowance.
        QVERIFY(!store.consume(p, own, t, 1).allowed);
    }

    void clearForgetsEverything()
    {
        GcraStore store;
        const RatePolicy p = policy(1, 60);
        store.consume(p, ip(1), kSecond, 1);
        QVERIFY(!store.consume(p, ip(1), kSecond, 1).allowed);
        store.clear();
        QCOMPARE(store.usage().entries, 0);
        QVERIFY(store.consume(p, ip(1), kSecond, 1).allowed);
    }

    void ipv6CountsBySlash64()
    {
        QHostAddress a(QStringLiteral("2001:db8:1:2::1"));
        QHostAddress b(QStringLiteral("2001:db8:1:2:ffff::9"));
        QHostAddress c(QStringLiteral("2001:db8:1:3::1"));
        QVERIFY(LimitKey::address(a) == LimitKey::address(b));
        QVERIFY(LimitKey::address(a) != LimitKey::address(c));
        QCOMPARE(LimitKey::address(a).display(), QStringLiteral("2001:db8:1:2::/64"));
        // IPv4-mapped is IPv4.
        QVERIFY(LimitKey::address(QHostAddress(QStringLiteral("::ffff:10.0.0.1"))) ==
                LimitKey::address(QHostAddress(QStringLiteral("10.0.0.1"))));
        // (address, e-mail) keys: case and spaces of the e-mail do not matter; never shown.
        QVERIFY(LimitKey::addressEmail(a, QStringLiteral("A@x.org ")) ==
                LimitKey::addressEmail(b, QStringLiteral("a@x.org")));
        QVERIFY(!LimitKey::addressEmail(a, QStringLiteral("a@x.org")).display().contains(u'@'));
        QVERIFY(!(LimitKey::email(QStringLiteral("a@x.org")) ==
                  LimitKey::email(QStringLiteral("b@x.org"))));
    }

    void statsCountAndRank()
    {
        LimitStats stats;
        for (int i = 0; i < 50; ++i)
            stats.recordHit(PolicyId::Anonymous, ip(7));
        for (int i = 0; i < 5; ++i)
            stats.recordHit(PolicyId::Login, ip(8));
        // Many one-off keys cannot push the heavy hitter out (space-saving).
        for (quint32 i = 0; i < 5000; ++i)
            stats.recordHit(PolicyId::Anonymous, ip(100000 + i));
        QCOMPARE(stats.hits(PolicyId::Anonymous), quint64(5050));
        QCOMPARE(stats.hits(PolicyId::Login), quint64(5));
        QCOMPARE(stats.totalHits(), quint64(5055));
        const QList<LimitStats::TopKey> top = stats.top(3);
        QCOMPARE(top.size(), 3);
        QCOMPARE(top.first().key, QStringLiteral("0.0.0.7"));
        QVERIFY(top.first().hits >= 50);
    }

    void decisionHeaders()
    {
        GcraStore store;
        const RatePolicy p = policy(60, 60);
        QCOMPARE(p.headerItem(), QByteArray("\"anon\";q=60;w=60"));
        RateDecision d = store.consume(p, ip(1), kSecond, 1);
        QCOMPARE(d.headerItem(), QByteArray("\"anon\";r=59;t=1"));
    }
};

QTEST_GUILESS_MAIN(TestLimiter)
#include "tst_limiter.moc"
