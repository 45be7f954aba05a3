// The rate limiter's cost per check, in nanoseconds of thread CPU time (bench/ratelimit.sh
// prints it):
//   cr-bench-limiter [--checks N] [--threads T]
// Scenarios: one hot key (a client within its allowance), rotating keys (every check a new
// address: inserts, expiry and eviction), and the same on T threads at once (shard contention).
#include "core/Clock.h"
#include "core/Settings.h"
#include "protect/RateLimiter.h"

#include <QCoreApplication>

#include <cstdio>
#include <ctime>
#include <thread>
#include <vector>

using namespace cr;

namespace {

qint64 threadCpuNs()
{
    timespec ts{};
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return qint64(ts.tv_sec) * 1000000000 + ts.tv_nsec;
}

// CPU time per check, averaged over the threads: on a busy machine wall time would count the
// time the threads were not running.
double nsPerCheck(RateLimiter &limiter, qint64 checks, int threads, bool rotate)
{
    std::atomic<quint64> allowed{0};
    std::atomic<qint64> cpuNs{0};
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            // The keys are made before the clock starts: in the server the address is already
            // parsed, so building it is not the limiter's cost.
            const quint32 base = 0x0a000000u + quint32(t) * 0x00100000u;
            const QHostAddress client(base);
            std::vector<LimitKey> keys;
            keys.reserve(size_t(rotate ? checks : 1));
            for (qint64 i = 0; i < (rotate ? checks : 1); ++i)
                keys.push_back(LimitKey::address(QHostAddress(base + quint32(i))));
            const qint64 start = threadCpuNs();
            quint64 ok = 0;
            for (qint64 i = 0; i < checks; ++i) {
                const LimitKey &key = keys[size_t(rotate ? i : 0)];
                ok += limiter.check(PolicyId::Anonymous, key, client).allowed;
            }
            allowed.fetch_add(ok);
            cpuNs.fetch_add(threadCpuNs() - start);
        });
    }
    for (std::thread &th : pool)
        th.join();
    if (allowed.load() == 0)
        std::fprintf(stderr, "warning: nothing was allowed\n");
    return double(cpuNs.load()) / double(checks * threads);
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 checks = 2000000;
    int threads = 2;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == QLatin1String("--checks"))
            checks = args[i + 1].toLongLong();
        else if (args[i] == QLatin1String("--threads"))
            threads = args[i + 1].toInt();
    }
    SystemClock clock;
    Settings settings;
    // High enough never to refuse: every check still does the whole computation.
    settings.rateLimits = {QStringLiteral("anon=100000000/86400")};
    std::unique_ptr<RateLimiter> limiter = RateLimiter::create(settings, clock).value();

    std::printf("one key, 1 thread:        %6.1f ns/check\n",
                nsPerCheck(*limiter, checks, 1, false));
    std::printf("rotating keys, 1 thread:  %6.1f ns/check\n",
                nsPerCheck(*limiter, checks, 1, true));
    std::printf("one key per thread, %d threads: %6.1f ns/check\n", threads,
                nsPerCheck(*limiter, checks, threads, false));
    std::printf("rotating keys, %d threads:  %6.1f ns/check\n", threads,
                nsPerCheck(*limiter, checks, threads, true));
    const RateLimitStore::Usage u = limiter->store().usage();
    std::printf("store: %lld entries, %lld bytes accounted (cap %lld), %lld evicted\n", u.entries,
                u.bytes, u.capBytes, u.evicted);
    return 0;
}
