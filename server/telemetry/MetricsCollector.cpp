#include "telemetry/MetricsCollector.h"

#include "http/HttpRequest.h"
#include "telemetry/Metrics.h"
#include "telemetry/ProcessStats.h"

#include <prometheus/gauge.h>
#include <prometheus/registry.h>
#include <prometheus/text_serializer.h>

#include <sstream>

namespace cr {
namespace {

using prometheus::ClientMetric;
using prometheus::MetricFamily;
using prometheus::MetricType;

std::string s(const QString &text)
{
    return text.toStdString();
}

MetricFamily family(const char *name, const char *help, MetricType type)
{
    MetricFamily f;
    f.name = name;
    f.help = help;
    f.type = type;
    return f;
}

ClientMetric value(MetricType type, double v, std::vector<ClientMetric::Label> labels = {})
{
    ClientMetric m;
    m.label = std::move(labels);
    if (type == MetricType::Counter)
        m.counter.value = v;
    else
        m.gauge.value = v;
    return m;
}

ClientMetric histogram(const MetricsTotals::Timing &t, std::vector<ClientMetric::Label> labels)
{
    ClientMetric m;
    m.label = std::move(labels);
    m.histogram.sample_count = t.count;
    m.histogram.sample_sum = double(t.sumNs) / 1e9;
    quint64 cumulative = 0;
    for (size_t i = 0; i < MetricsShard::kBoundsNs.size(); ++i) {
        cumulative += t.buckets[i];
        m.histogram.bucket.push_back({cumulative, double(MetricsShard::kBoundsNs[i]) / 1e9});
    }
    // prometheus-cpp writes the +Inf bucket from sample_count.
    return m;
}

void add(std::vector<MetricFamily> &out, MetricFamily f, bool evenIfEmpty = false)
{
    if (evenIfEmpty || !f.metric.empty())
        out.push_back(std::move(f));
}

} // namespace

MetricsCollector::MetricsCollector(const Metrics &metrics)
    : m_metrics(metrics)
    , m_registry(std::make_shared<prometheus::Registry>())
{
    prometheus::BuildGauge()
        .Name("coderunner_build_info")
        .Help("Build information; always 1.")
        .Register(*m_registry)
        .Add({{"version", s(metrics.version())}})
        .Set(1);
}

MetricsCollector::~MetricsCollector() = default;

std::vector<MetricFamily> MetricsCollector::Collect() const
{
    const MetricsTotals t = m_metrics.totals(false);
    const QStringList &labels = m_metrics.routeLabels();
    auto routeOf = [&labels](int slot) {
        return slot >= 0 && slot < labels.size() ? s(labels[slot]) : std::string("unmatched");
    };
    std::vector<MetricFamily> out;

    MetricFamily requests = family("coderunner_http_requests_total",
                                   "HTTP requests answered, by method, route template and status.",
                                   MetricType::Counter);
    std::vector<std::pair<std::tuple<std::string, std::string, int>, quint64>> rows;
    for (auto it = t.requests.cbegin(); it != t.requests.cend(); ++it)
        rows.push_back({{routeOf(MetricsTotals::slotOf(it.key())),
                         methodName(Method(MetricsTotals::methodOf(it.key()))),
                         MetricsTotals::statusOf(it.key())},
                        it.value()});
    std::sort(rows.begin(), rows.end());
    for (const auto &[key, n] : rows)
        requests.metric.push_back(value(MetricType::Counter, double(n),
                                        {{"method", std::get<1>(key)},
                                         {"route", std::get<0>(key)},
                                         {"status", std::to_string(std::get<2>(key))}}));
    add(out, std::move(requests), true);

    MetricFamily duration =
        family("coderunner_http_request_duration_seconds",
               "Time from a complete request head to the written response.", MetricType::Histogram);
    MetricFamily bytes =
        family("coderunner_http_response_size_bytes_total",
               "Response bytes written (status line, headers and body).", MetricType::Counter);
    for (const MetricsTotals::RouteTotals &r : t.routes) {
        duration.metric.push_back(histogram(r.timing, {{"route", routeOf(r.slot)}}));
        bytes.metric.push_back(
            value(MetricType::Counter, double(r.bytes), {{"route", routeOf(r.slot)}}));
    }
    add(out, std::move(duration), true);
    add(out, std::move(bytes), true);

    MetricFamily inFlight = family("coderunner_http_requests_in_flight",
                                   "Requests read but not yet answered.", MetricType::Gauge);
    inFlight.metric.push_back(value(MetricType::Gauge, double(t.inFlight())));
    add(out, std::move(inFlight));

    const WebSocketStats ws = m_metrics.webSocket();
    MetricFamily wsConnections = family("coderunner_websocket_connections",
                                        "Open WebSocket connections.", MetricType::Gauge);
    wsConnections.metric.push_back(value(MetricType::Gauge, ws.connections));
    add(out, std::move(wsConnections));
    MetricFamily wsMessages = family("coderunner_websocket_messages_total",
                                     "WebSocket messages, by direction.", MetricType::Counter);
    wsMessages.metric.push_back(
        value(MetricType::Counter, double(ws.messagesIn), {{"direction", "in"}}));
    wsMessages.metric.push_back(
        value(MetricType::Counter, double(ws.messagesOut), {{"direction", "out"}}));
    add(out, std::move(wsMessages));

    MetricFamily limited =
        family("coderunner_rate_limit_hits_total",
               "Requests refused by the rate limiter, by policy.", MetricType::Counter);
    QStringList policies = t.rateLimitHits.keys();
    policies.sort();
    for (const QString &p : policies)
        limited.metric.push_back(
            value(MetricType::Counter, double(t.rateLimitHits.value(p)), {{"policy", s(p)}}));
    add(out, std::move(limited), true);

    MetricFamily logins =
        family("coderunner_logins_total", "Password logins, by result.", MetricType::Counter);
    logins.metric.push_back(
        value(MetricType::Counter, double(t.loginsFailed), {{"result", "failure"}}));
    logins.metric.push_back(
        value(MetricType::Counter, double(t.loginsOk), {{"result", "success"}}));
    add(out, std::move(logins));

    MetricFamily db = family("coderunner_db_query_duration_seconds",
                             "Database statement and transaction time.", MetricType::Histogram);
    db.metric.push_back(histogram(t.db, {}));
    add(out, std::move(db));
    if (const int up = m_metrics.dbUp(); up >= 0) {
        MetricFamily dbUp =
            family("coderunner_db_up", "1 while the database is reachable.", MetricType::Gauge);
        dbUp.metric.push_back(value(MetricType::Gauge, up));
        add(out, std::move(dbUp));
    }

    MetricFamily lag =
        family("coderunner_event_loop_lag_seconds",
               "How late the last probe timer fired, per event-loop thread.", MetricType::Gauge);
    for (const auto &[thread, seconds] : t.lagSeconds)
        lag.metric.push_back(value(MetricType::Gauge, seconds, {{"thread", s(thread)}}));
    add(out, std::move(lag));

    auto states = [&out](const char *name, const char *help, const char *label,
                         QList<DependencyState> list) {
        std::sort(list.begin(), list.end(),
                  [](const auto &a, const auto &b) { return a.name < b.name; });
        MetricFamily f = family(name, help, MetricType::Gauge);
        for (const DependencyState &d : list)
            f.metric.push_back(value(MetricType::Gauge, d.state, {{label, s(d.name)}}));
        add(out, std::move(f));
    };
    states("coderunner_circuit_breaker_state",
           "Circuit breaker state per dependency: 0 closed, 1 half-open, 2 open.", "dependency",
           m_metrics.breakers());
    states("coderunner_health_check_status",
           "Health check status: 0 healthy, 1 degraded, 2 unhealthy.", "check",
           m_metrics.healthChecks());

    const ProcessStats p = ProcessStats::read();
    auto processGauge = [&out](const char *name, const char *help, double v, MetricType type) {
        if (v < 0)
            return;
        MetricFamily f = family(name, help, type);
        f.metric.push_back(value(type, v));
        add(out, std::move(f));
    };
    processGauge("process_cpu_seconds_total", "Total user and system CPU time spent in seconds.",
                 p.cpuSeconds, MetricType::Counter);
    processGauge("process_resident_memory_bytes", "Resident memory size in bytes.",
                 double(p.residentBytes), MetricType::Gauge);
    processGauge("process_virtual_memory_bytes", "Virtual memory size in bytes.",
                 double(p.virtualBytes), MetricType::Gauge);
    processGauge("process_open_fds", "Number of open file descriptors.", double(p.openFds),
                 MetricType::Gauge);
    processGauge("process_max_fds", "Maximum number of open file descriptors.", double(p.maxFds),
                 MetricType::Gauge);
    processGauge("process_start_time_seconds",
                 "Start time of the process since unix epoch in seconds.", p.startTimeSeconds,
                 MetricType::Gauge);
    processGauge("coderunner_process_threads", "Threads of this process.", double(p.threads),
                 MetricType::Gauge);
    return out;
}

QByteArray MetricsCollector::exposition() const
{
    std::vector<MetricFamily> families = m_registry->Collect();
    std::vector<MetricFamily> ours = Collect();
    families.insert(families.end(), std::make_move_iterator(ours.begin()),
                    std::make_move_iterator(ours.end()));
    std::ostringstream text;
    prometheus::TextSerializer().Serialize(text, families);
    const std::string body = text.str();
    return QByteArray(body.data(), qsizetype(body.size()));
}

} // namespace cr
