// What recording one request into the metrics costs, in nanoseconds
// (bench/metrics-overhead.sh prints it):
//   cr-bench-metrics [--requests N] [--threads T]
// Each "request" is what a worker does per response: requestStarted(), requestFinished() with
// a route, method, status, duration and size (the clock reads of HttpConnection included).
// Threads record at once into their own shards; a reader sums the shards meanwhile, as the
// telemetry tick and a scrape do.
#include "telemetry/Metrics.h"
#include "core/Clock.h"
#include "http/RequestObserver.h"
#include "http/Route.h"
#include "telemetry/MetricsCollector.h"

#include <QCoreApplication>
#include <QElapsedTimer>

#include <atomic>
#include <cstdio>
#include <thread>
#include <vector>

using namespace cr;

namespace {

double nsPerRequest(Metrics &metrics, const std::vector<Route> &routes, const Clock &clock,
                    qint64 requests, int threads, bool reader)
{
    std::atomic<bool> done{false};
    std::thread scraper;
    if (reader) {
        scraper = std::thread([&] {
            while (!done.load()) {
                (void)metrics.totals(true);
                std::this_thread::sleep_for(std::chrono::milliseconds(100));
            }
        });
    }
    QElapsedTimer timer;
    timer.start();
    std::vector<std::thread> pool;
    for (int t = 0; t < threads; ++t) {
        pool.emplace_back([&, t] {
            for (qint64 i = 0; i < requests; ++i) {
                const qint64 started = clock.monotonicNs();
                metrics.requestStarted();
                RequestRecord r;
                r.route = &routes[size_t((i + t) % qint64(routes.size()))];
                r.method = r.route->method;
                r.status = (i % 50 == 0) ? 404 : 200;
                r.responseBytes = 430;
                r.durationNs = clock.monotonicNs() - started + 40000 + (i % 1000) * 50;
                metrics.requestFinished(r);
            }
        });
    }
    for (std::thread &th : pool)
        th.join();
    const double ns = double(timer.nsecsElapsed());
    done.store(true);
    if (scraper.joinable())
        scraper.join();
    return ns / double(requests); // wall time per request on each thread
}

} // namespace

int main(int argc, char **argv)
{
    QCoreApplication app(argc, argv);
    qint64 requests = 5000000;
    int threads = 2;
    const QStringList args = app.arguments();
    for (int i = 1; i + 1 < args.size(); i += 2) {
        if (args[i] == u"--requests")
            requests = args[i + 1].toLongLong();
        else if (args[i] == u"--threads")
            threads = args[i + 1].toInt();
    }
    SystemClock clock;
    std::vector<Route> routes;
    for (const char *p : {"/health", "/api/items/:id<uuid>", "/api/projects", "/api/auth/login"}) {
        Route r;
        r.pattern = QString::fromLatin1(p);
        routes.push_back(r);
    }
    Metrics metrics(clock, QStringLiteral("bench"));
    metrics.setRoutes(routes);
    nsPerRequest(metrics, routes, clock, requests / 10, 1, false); // warm-up
    std::printf("one thread:              %6.1f ns per recorded request\n",
                nsPerRequest(metrics, routes, clock, requests, 1, false));
    std::printf("%d threads + a reader:    %6.1f ns per recorded request (per thread)\n", threads,
                nsPerRequest(metrics, routes, clock, requests, threads, true));
    QElapsedTimer timer;
    timer.start();
    const QByteArray text = MetricsCollector(metrics).exposition();
    std::printf("one /metrics exposition: %6.1f us (%lld bytes)\n",
                double(timer.nsecsElapsed()) / 1000.0, qint64(text.size()));
    return 0;
}
