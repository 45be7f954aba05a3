#include "telemetry/TelemetryHistory.h"

#include "http/TimeText.h"

#include <QJsonArray>

#include <algorithm>
#include <cmath>

namespace cr {
namespace {

double round3(double v)
{
    return std::round(v * 1000.0) / 1000.0;
}

QJsonObject latencyJson(double p50, double p95, double p99)
{
    return QJsonObject{{QStringLiteral("p50"), round3(p50)},
                       {QStringLiteral("p95"), round3(p95)},
                       {QStringLiteral("p99"), round3(p99)}};
}

} // namespace

QJsonObject TelemetryPoint::toJson(const QStringList &routeLabels) const
{
    const double seconds = double(intervalMs) / 1000.0;
    QJsonObject o{
        {QStringLiteral("timestamp"), QString::fromLatin1(TimeText::iso(wallMs))},
        {QStringLiteral("intervalMs"), intervalMs},
        {QStringLiteral("requests"), double(requests)},
        {QStringLiteral("requestsPerSecond"), seconds > 0 ? round3(double(requests) / seconds) : 0},
        {QStringLiteral("errorRate"),
         requests ? round3(double(status.s5xx) / double(requests)) : 0},
        {QStringLiteral("latencyMs"), latencyJson(p50Ms, p95Ms, p99Ms)},
        {QStringLiteral("status"), status.toJson()},
        {QStringLiteral("inFlight"), inFlight},
        {QStringLiteral("webSocketClients"), webSocketClients},
        {QStringLiteral("cpuPercent"), round3(cpuPercent)},
        {QStringLiteral("residentBytes"), double(residentBytes)},
        {QStringLiteral("eventLoopLagMs"), round3(eventLoopLagMs)},
        {QStringLiteral("dbLatencyP95Ms"), round3(dbP95Ms)},
        {QStringLiteral("rateLimitHits"), double(rateLimitHits)},
        {QStringLiteral("failedLogins"), double(loginsFailed)}};
    if (!routes.empty()) {
        QJsonArray list;
        for (const Route &r : routes)
            list.append(
                QJsonObject{{QStringLiteral("route"), r.slot >= 0 && r.slot < routeLabels.size()
                                                          ? routeLabels[r.slot]
                                                          : QStringLiteral("unmatched")},
                            {QStringLiteral("requests"), double(r.requests)},
                            {QStringLiteral("errors"), double(r.errors)},
                            {QStringLiteral("latencyMs"), latencyJson(r.p50Ms, r.p95Ms, r.p99Ms)}});
        o.insert(QStringLiteral("routes"), list);
    }
    return o;
}

TelemetryHistory::TelemetryHistory(int seconds, int minutes)
    : m_secondsCap(qMax(1, seconds))
    , m_minutesCap(qMax(1, minutes))
{}

void TelemetryHistory::add(const TelemetryPoint &second, const LatencyHistogram &latency,
                           const LatencyHistogram &db)
{
    const qint64 minute = second.wallMs / 60000;
    if (m_minute >= 0 && minute != m_minute)
        closeMinute();
    if (m_minute != minute) {
        m_minute = minute;
        m_acc = TelemetryPoint();
        m_acc.wallMs = minute * 60000;
        m_accLatency.clear();
        m_accDb.clear();
        m_cpuWeighted = 0;
    }
    m_acc.intervalMs += second.intervalMs;
    m_acc.requests += second.requests;
    m_acc.status += second.status;
    m_acc.inFlight = qMax(m_acc.inFlight, second.inFlight);
    m_acc.webSocketClients = second.webSocketClients;
    m_cpuWeighted += double(second.cpuPercent) * double(second.intervalMs);
    m_acc.residentBytes = qMax(m_acc.residentBytes, second.residentBytes);
    m_acc.eventLoopLagMs = qMax(m_acc.eventLoopLagMs, second.eventLoopLagMs);
    m_acc.rateLimitHits += second.rateLimitHits;
    m_acc.loginsFailed += second.loginsFailed;
    m_accLatency.merge(latency);
    m_accDb.merge(db);

    QMutexLocker lock(&m_mutex);
    m_seconds.push_back(second);
    while (int(m_seconds.size()) > m_secondsCap)
        m_seconds.pop_front();
}

void TelemetryHistory::closeMinute()
{
    TelemetryPoint p = m_acc;
    p.cpuPercent = p.intervalMs > 0 ? float(m_cpuWeighted / double(p.intervalMs)) : 0;
    p.p50Ms = float(m_accLatency.percentileNs(0.50) / 1e6);
    p.p95Ms = float(m_accLatency.percentileNs(0.95) / 1e6);
    p.p99Ms = float(m_accLatency.percentileNs(0.99) / 1e6);
    p.dbP95Ms = float(m_accDb.percentileNs(0.95) / 1e6);
    QMutexLocker lock(&m_mutex);
    m_minutes.push_back(std::move(p));
    while (int(m_minutes.size()) > m_minutesCap)
        m_minutes.pop_front();
}

std::vector<TelemetryPoint> TelemetryHistory::since(qint64 sinceWallMs, Resolution resolution) const
{
    QMutexLocker lock(&m_mutex);
    const std::deque<TelemetryPoint> &ring =
        resolution == Resolution::Second ? m_seconds : m_minutes;
    const auto first =
        std::lower_bound(ring.begin(), ring.end(), sinceWallMs,
                         [](const TelemetryPoint &p, qint64 t) { return p.wallMs < t; });
    return std::vector<TelemetryPoint>(first, ring.end());
}

int TelemetryHistory::size(Resolution resolution) const
{
    QMutexLocker lock(&m_mutex);
    return int(resolution == Resolution::Second ? m_seconds.size() : m_minutes.size());
}

} // namespace cr
