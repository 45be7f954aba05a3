#include "telemetry/TelemetryWindow.h"

#include <map>

namespace cr {

void TelemetryWindow::add(TelemetrySlice slice)
{
    const qint64 now = slice.monoMs;
    m_slices.push_back(std::move(slice));
    while (!m_slices.empty() && m_slices.front().monoMs <= now - m_spanMs)
        m_slices.pop_front();
}

TelemetryWindow::Latency TelemetryWindow::latencyOf(const LatencyHistogram &h)
{
    Latency l;
    l.p50Ms = h.percentileNs(0.50) / 1e6;
    l.p95Ms = h.percentileNs(0.95) / 1e6;
    l.p99Ms = h.percentileNs(0.99) / 1e6;
    return l;
}

TelemetryWindow::Summary TelemetryWindow::summarize(qint64 nowMonoMs, qint64 windowMs) const
{
    Summary s;
    LatencyHistogram overall;
    LatencyHistogram db;
    struct RouteAcc
    {
        quint64 requests = 0;
        quint64 errors = 0;
        LatencyHistogram latency;
    };
    std::map<int, RouteAcc> routes;
    for (auto it = m_slices.rbegin(); it != m_slices.rend(); ++it) {
        const TelemetrySlice &slice = *it;
        if (slice.monoMs <= nowMonoMs - windowMs)
            break;
        if (slice.monoMs > nowMonoMs)
            continue;
        s.spanMs += slice.intervalMs;
        s.requests += slice.requests;
        s.status += slice.status;
        overall.addSparse(slice.latency);
        for (const TelemetrySlice::Route &r : slice.routes) {
            RouteAcc &acc = routes[r.slot];
            acc.requests += r.requests;
            acc.errors += r.errors;
            acc.latency.addSparse(r.latency);
        }
        s.dbQueries += slice.dbQueries;
        db.addSparse(slice.db);
        for (auto h = slice.rateLimitHits.cbegin(); h != slice.rateLimitHits.cend(); ++h)
            s.rateLimitHits[h.key()] += h.value();
        s.loginsOk += slice.loginsOk;
        s.loginsFailed += slice.loginsFailed;
    }
    s.spanMs = qMin(s.spanMs, windowMs);
    const double seconds = double(s.spanMs) / 1000.0;
    s.perSecond = seconds > 0 ? double(s.requests) / seconds : 0;
    s.errorRate = s.requests ? double(s.status.s5xx) / double(s.requests) : 0;
    s.latency = latencyOf(overall);
    s.db = latencyOf(db);
    for (const auto &[slot, acc] : routes) {
        RouteSummary r;
        r.slot = slot;
        r.requests = acc.requests;
        r.errors = acc.errors;
        r.perSecond = seconds > 0 ? double(acc.requests) / seconds : 0;
        r.errorRate = acc.requests ? double(acc.errors) / double(acc.requests) : 0;
        r.latency = latencyOf(acc.latency);
        s.routes.push_back(r);
    }
    return s;
}

} // namespace cr
