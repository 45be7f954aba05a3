#include "telemetry/TelemetryService.h"

#include "core/Clock.h"
#include "telemetry/Metrics.h"
#include "telemetry/ProcessStats.h"

#include <QJsonArray>
#include <QTimer>

#include <cmath>

namespace cr {
namespace {

double round3(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

QJsonObject latencyJson(const TelemetryWindow::Latency &l)
{
    return QJsonObject{{QStringLiteral("p50"), round3(l.p50Ms)},
                       {QStringLiteral("p95"), round3(l.p95Ms)},
                       {QStringLiteral("p99"), round3(l.p99Ms)}};
}

QJsonObject windowJson(const TelemetryWindow::Summary &s, const QStringList &labels)
{
    QJsonArray routes;
    for (const TelemetryWindow::RouteSummary &r : s.routes)
        routes.append(
            QJsonObject{{QStringLiteral("route"),
                         r.slot < labels.size() ? labels[r.slot] : QStringLiteral("unmatched")},
                        {QStringLiteral("requests"), double(r.requests)},
                        {QStringLiteral("requestsPerSecond"), round3(r.perSecond)},
                        {QStringLiteral("errors"), double(r.errors)},
                        {QStringLiteral("errorRate"), round3(r.errorRate)},
                        {QStringLiteral("latencyMs"), latencyJson(r.latency)}});
    return QJsonObject{{QStringLiteral("seconds"), round3(double(s.spanMs) / 1000.0)},
                       {QStringLiteral("requests"), double(s.requests)},
                       {QStringLiteral("requestsPerSecond"), round3(s.perSecond)},
                       {QStringLiteral("errorRate"), round3(s.errorRate)},
                       {QStringLiteral("latencyMs"), latencyJson(s.latency)},
                       {QStringLiteral("status"), s.status.toJson()},
                       {QStringLiteral("routes"), routes}};
}

QJsonObject countsJson(const QHash<QString, quint64> &counts)
{
    QJsonObject o;
    for (auto it = counts.cbegin(); it != counts.cend(); ++it)
        o.insert(it.key(), double(it.value()));
    return o;
}

const char *breakerName(int state)
{
    switch (state) {
    case 0:
        return "closed";
    case 1:
        return "half-open";
    default:
        return "open";
    }
}

const char *checkName(int state)
{
    switch (state) {
    case 0:
        return "healthy";
    case 1:
        return "degraded";
    default:
        return "unhealthy";
    }
}

// now - before, per bucket, as a sparse histogram; also added to `sum`.
LatencyHistogram::Sparse difference(const LatencyHistogram &now, const LatencyHistogram *before,
                                    LatencyHistogram &sum)
{
    LatencyHistogram::Sparse out;
    if (now.count() == (before ? before->count() : 0))
        return out;
    for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
        const quint64 b = before ? before->countAt(i) : 0;
        const quint64 n = now.countAt(i);
        if (n > b) {
            out.emplace_back(quint16(i), quint32(qMin<quint64>(n - b, 0xffffffffu)));
            sum.addBucket(i, n - b);
        }
    }
    return out;
}

} // namespace

TelemetryService::TelemetryService(Metrics &metrics, const Clock &clock, int intervalMs,
                                   QObject *parent)
    : QObject(parent)
    , m_metrics(metrics)
    , m_clock(clock)
    , m_intervalMs(qMax(1, intervalMs))
    , m_previousMonoMs(clock.monotonicMs())
{}

TelemetryService::~TelemetryService() = default;

void TelemetryService::setPublisher(std::function<void(const QJsonObject &)> publish)
{
    m_publish = std::move(publish);
}

void TelemetryService::start()
{
    if (!m_timer) {
        m_timer = new QTimer(this);
        m_timer->setTimerType(Qt::PreciseTimer);
        connect(m_timer, &QTimer::timeout, this, &TelemetryService::tick);
    }
    m_timer->start(m_intervalMs);
}

void TelemetryService::stop()
{
    if (m_timer)
        m_timer->stop();
}

QJsonObject TelemetryService::latest() const
{
    QMutexLocker lock(&m_latestMutex);
    return m_latest;
}

TelemetrySlice TelemetryService::diff(const MetricsTotals &now, qint64 monoMs, qint64 wallMs,
                                      qint64 intervalMs, LatencyHistogram &overall,
                                      LatencyHistogram &db) const
{
    const MetricsTotals &before = m_previous;
    TelemetrySlice slice;
    slice.monoMs = monoMs;
    slice.wallMs = wallMs;
    slice.intervalMs = intervalMs;
    QHash<int, quint64> errorsBySlot;
    for (auto it = now.requests.cbegin(); it != now.requests.cend(); ++it) {
        const quint64 was = before.requests.value(it.key());
        if (it.value() <= was)
            continue;
        const quint64 d = it.value() - was;
        const int status = MetricsTotals::statusOf(it.key());
        slice.requests += d;
        slice.status.count(status, d);
        if (status >= 500)
            errorsBySlot[MetricsTotals::slotOf(it.key())] += d;
    }
    size_t j = 0;
    for (const MetricsTotals::RouteTotals &r : now.routes) {
        while (j < before.routes.size() && before.routes[j].slot < r.slot)
            ++j;
        const MetricsTotals::RouteTotals *was =
            j < before.routes.size() && before.routes[j].slot == r.slot ? &before.routes[j]
                                                                        : nullptr;
        const quint64 count = r.timing.count - (was ? was->timing.count : 0);
        if (count == 0)
            continue;
        TelemetrySlice::Route route;
        route.slot = r.slot;
        route.requests = count;
        route.errors = errorsBySlot.value(r.slot);
        route.latency = difference(r.timing.latency, was ? &was->timing.latency : nullptr, overall);
        slice.routes.push_back(std::move(route));
    }
    slice.latency = overall.toSparse();
    slice.dbQueries = now.db.count - before.db.count;
    slice.db = difference(now.db.latency, &before.db.latency, db);
    for (auto it = now.rateLimitHits.cbegin(); it != now.rateLimitHits.cend(); ++it) {
        const quint64 was = before.rateLimitHits.value(it.key());
        if (it.value() > was)
            slice.rateLimitHits.insert(it.key(), it.value() - was);
    }
    slice.loginsOk = now.loginsOk - before.loginsOk;
    slice.loginsFailed = now.loginsFailed - before.loginsFailed;
    return slice;
}

void TelemetryService::tick()
{
    const qint64 mono = m_clock.monotonicMs();
    const qint64 wall = m_clock.wallMs();
    MetricsTotals now = m_metrics.totals(true);
    const qint64 interval = qMax<qint64>(0, mono - m_previousMonoMs);

    LatencyHistogram overall;
    LatencyHistogram db;
    TelemetrySlice slice = diff(now, mono, wall, interval, overall, db);

    TelemetryPoint point;
    point.wallMs = wall;
    point.intervalMs = interval;
    point.requests = slice.requests;
    point.status = slice.status;
    point.p50Ms = float(overall.percentileNs(0.50) / 1e6);
    point.p95Ms = float(overall.percentileNs(0.95) / 1e6);
    point.p99Ms = float(overall.percentileNs(0.99) / 1e6);
    point.dbP95Ms = float(db.percentileNs(0.95) / 1e6);
    for (auto it = slice.rateLimitHits.cbegin(); it != slice.rateLimitHits.cend(); ++it)
        point.rateLimitHits += it.value();
    point.loginsFailed = slice.loginsFailed;
    for (const TelemetrySlice::Route &r : slice.routes)
        point.routes.push_back(
            TelemetryPoint::Route{r.slot, quint32(qMin<quint64>(r.requests, 0xffffffffu)),
                                  quint32(qMin<quint64>(r.errors, 0xffffffffu)),
                                  float(LatencyHistogram::percentileNs(r.latency, 0.50) / 1e6),
                                  float(LatencyHistogram::percentileNs(r.latency, 0.95) / 1e6),
                                  float(LatencyHistogram::percentileNs(r.latency, 0.99) / 1e6)});

    m_window.add(std::move(slice));
    const QJsonObject snapshot = render(now, mono, point);
    m_history.add(point, overall, db);

    m_previous = std::move(now);
    m_previousMonoMs = mono;
    {
        QMutexLocker lock(&m_latestMutex);
        m_latest = snapshot;
    }
    if (m_publish)
        m_publish(snapshot);
    Q_EMIT snapshotReady(snapshot);
}

QJsonObject TelemetryService::render(const MetricsTotals &now, qint64 monoMs, TelemetryPoint &point)
{
    const QStringList &labels = m_metrics.routeLabels();
    const TelemetryWindow::Summary last10 = m_window.summarize(monoMs, 10000);
    const TelemetryWindow::Summary last60 = m_window.summarize(monoMs, 60000);

    // Process: CPU as a share of the whole machine over the last interval.
    const ProcessStats p = ProcessStats::read();
    const int cores = ProcessStats::cpuCount();
    double cpuPercent = 0;
    const double seconds = double(point.intervalMs) / 1000.0;
    if (m_previousCpu >= 0 && p.cpuSeconds >= 0 && seconds > 0)
        cpuPercent = qBound(0.0, (p.cpuSeconds - m_previousCpu) / (seconds * cores) * 100.0, 100.0);
    m_previousCpu = p.cpuSeconds;
    const qint64 totalMemory = ProcessStats::totalMemoryBytes();

    double maxLagMs = 0;
    QJsonObject lagThreads;
    for (const auto &[thread, lag] : now.lagSeconds) {
        lagThreads.insert(thread, round3(lag * 1000.0));
        maxLagMs = qMax(maxLagMs, lag * 1000.0);
    }

    const WebSocketStats ws = m_metrics.webSocket();
    QJsonArray breakers;
    for (const DependencyState &b : m_metrics.breakers())
        breakers.append(
            QJsonObject{{QStringLiteral("dependency"), b.name},
                        {QStringLiteral("state"), QString::fromLatin1(breakerName(b.state))}});
    QJsonArray health;
    for (const DependencyState &c : m_metrics.healthChecks())
        health.append(
            QJsonObject{{QStringLiteral("check"), c.name},
                        {QStringLiteral("status"), QString::fromLatin1(checkName(c.state))}});
    const int dbUp = m_metrics.dbUp();

    point.inFlight = qint32(now.inFlight());
    point.webSocketClients = ws.connections;
    point.cpuPercent = float(cpuPercent);
    point.residentBytes = qMax<qint64>(0, p.residentBytes);
    point.eventLoopLagMs = float(maxLagMs);

    return QJsonObject{
        {QStringLiteral("intervalMs"), m_intervalMs},
        {QStringLiteral("requestsPerSecond"), round3(last10.perSecond)},
        {QStringLiteral("errorRate"), round3(last10.errorRate)},
        {QStringLiteral("latencyMs"), latencyJson(last10.latency)},
        {QStringLiteral("inFlight"), double(now.inFlight())},
        {QStringLiteral("requestsTotal"), double(now.finished)},
        {QStringLiteral("windows"),
         QJsonObject{{QStringLiteral("10s"), windowJson(last10, labels)},
                     {QStringLiteral("1m"), windowJson(last60, labels)}}},
        {QStringLiteral("rateLimit"),
         QJsonObject{{QStringLiteral("hits10s"), countsJson(last10.rateLimitHits)},
                     {QStringLiteral("hits1m"), countsJson(last60.rateLimitHits)},
                     {QStringLiteral("hitsTotal"), countsJson(now.rateLimitHits)},
                     {QStringLiteral("topClients"), m_metrics.topLimited()}}},
        {QStringLiteral("logins"),
         QJsonObject{{QStringLiteral("success1m"), double(last60.loginsOk)},
                     {QStringLiteral("failure1m"), double(last60.loginsFailed)}}},
        {QStringLiteral("webSocket"),
         QJsonObject{{QStringLiteral("clients"), ws.connections},
                     {QStringLiteral("messagesIn"), double(ws.messagesIn)},
                     {QStringLiteral("messagesOut"), double(ws.messagesOut)}}},
        {QStringLiteral("process"),
         QJsonObject{{QStringLiteral("cpuPercent"), round3(cpuPercent)},
                     {QStringLiteral("cpuCores"), cores},
                     {QStringLiteral("residentBytes"), double(p.residentBytes)},
                     {QStringLiteral("virtualBytes"), double(p.virtualBytes)},
                     {QStringLiteral("memoryPercent"),
                      totalMemory > 0 && p.residentBytes >= 0
                          ? round3(double(p.residentBytes) / double(totalMemory) * 100.0)
                          : 0.0},
                     {QStringLiteral("openFds"), double(p.openFds)},
                     {QStringLiteral("threads"), double(p.threads)}}},
        {QStringLiteral("eventLoopLagMs"), QJsonObject{{QStringLiteral("max"), round3(maxLagMs)},
                                                       {QStringLiteral("threads"), lagThreads}}},
        {QStringLiteral("database"),
         QJsonObject{{QStringLiteral("up"), dbUp < 0 ? QJsonValue() : QJsonValue(dbUp == 1)},
                     {QStringLiteral("queries1m"), double(last60.dbQueries)},
                     {QStringLiteral("latencyMs"), latencyJson(last60.db)}}},
        {QStringLiteral("breakers"), breakers},
        {QStringLiteral("health"), health},
        {QStringLiteral("alerts"), m_metrics.alerts()}};
}

} // namespace cr
