#include "telemetry/Metrics.h"

#include "http/RequestObserver.h"
#include "http/Route.h"

#include <QRegularExpression>
#include <QThread>

namespace cr {
namespace {

std::atomic<quint64> g_nextId{1};

template<typename F>
F copyUnder(QMutex &mutex, const F &f)
{
    QMutexLocker lock(&mutex);
    return f;
}

} // namespace

Metrics::Metrics(const Clock &clock, QString version)
    : m_clock(clock)
    , m_version(std::move(version))
    , m_id(g_nextId.fetch_add(1))
{
    m_labels << QStringLiteral("unmatched");
}

Metrics::~Metrics() = default;

QString Metrics::routeLabel(const QString &pattern)
{
    static const QRegularExpression type(QStringLiteral("<[^>/]*>"));
    QString out = pattern;
    out.remove(type);
    return out;
}

void Metrics::setRoutes(const std::vector<Route> &routes)
{
    m_labels.clear();
    m_slotOfRoute.clear();
    m_routeBase = routes.empty() ? nullptr : routes.data();
    for (const Route &r : routes) {
        const QString label = routeLabel(r.pattern);
        int slot = int(m_labels.indexOf(label));
        if (slot < 0 && m_labels.size() < MetricsShard::kMaxSlots - 1) {
            slot = int(m_labels.size());
            m_labels << label;
        }
        m_slotOfRoute.push_back(slot); // -1: too many routes, counted as unmatched
    }
    m_labels << QStringLiteral("unmatched");
}

MetricsShard &Metrics::shard()
{
    struct Cache
    {
        quint64 id = 0;
        MetricsShard *shard = nullptr;
    };
    thread_local Cache cache;
    if (cache.id == m_id)
        return *cache.shard;
    QThread *current = QThread::currentThread();
    QString name = current ? current->objectName() : QString();
    if (name.isEmpty())
        name = QStringLiteral("thread-%1").arg(quintptr(current), 0, 16);
    QMutexLocker lock(&m_shardsMutex);
    // A thread that records into several instances (tests) finds its shard again.
    const std::thread::id self = std::this_thread::get_id();
    for (const auto &s : m_shards) {
        if (s->owner == self) {
            cache = Cache{m_id, s.get()};
            return *cache.shard;
        }
    }
    m_shards.push_back(std::make_unique<MetricsShard>(name));
    cache = Cache{m_id, m_shards.back().get()};
    return *cache.shard;
}

int Metrics::shardCount() const
{
    QMutexLocker lock(&m_shardsMutex);
    return int(m_shards.size());
}

void Metrics::requestStarted()
{
    MetricsShard::bump(shard().started);
}

void Metrics::requestFinished(const RequestRecord &record)
{
    MetricsShard &s = shard();
    MetricsShard::bump(s.finished);
    if (record.status <= 0)
        return; // abandoned: no longer in flight, but nothing was answered
    int slot = unmatchedSlot();
    if (record.route && m_routeBase) {
        const ptrdiff_t index = record.route - m_routeBase;
        if (index >= 0 && size_t(index) < m_slotOfRoute.size() && m_slotOfRoute[size_t(index)] >= 0)
            slot = m_slotOfRoute[size_t(index)];
    }
    s.countRequest(MetricsShard::requestKey(slot, int(record.method), record.status));
    MetricsShard::RouteStats &r = s.route(slot);
    MetricsShard::observe(r.timing, record.durationNs);
    MetricsShard::bump(r.bytes, quint64(qMax<qint64>(0, record.responseBytes)));
}

int Metrics::policyIndex(MetricsShard &s, const QString &policy)
{
    const auto it = s.policyCache.constFind(policy);
    if (it != s.policyCache.constEnd())
        return it.value();
    int index;
    {
        QMutexLocker lock(&m_policiesMutex);
        index = int(m_policies.indexOf(policy));
        if (index < 0) {
            if (m_policies.size() < MetricsShard::kMaxPolicies - 1) {
                index = int(m_policies.size());
                m_policies << policy;
            } else {
                index = MetricsShard::kMaxPolicies - 1; // "other"
            }
        }
    }
    s.policyCache.insert(policy, index);
    return index;
}

void Metrics::rateLimitHit(const QString &policy)
{
    MetricsShard &s = shard();
    MetricsShard::bump(s.rateLimitHits[size_t(policyIndex(s, policy))]);
}

void Metrics::login(bool succeeded)
{
    MetricsShard &s = shard();
    MetricsShard::bump(succeeded ? s.loginsOk : s.loginsFailed);
}

void Metrics::dbQuery(double seconds)
{
    MetricsShard::observe(shard().db(), qint64(seconds * 1e9));
}

void Metrics::setDbUp(bool up)
{
    m_dbUp.store(up ? 1 : 0, std::memory_order_relaxed);
}

void Metrics::eventLoopLag(qint64 ns)
{
    shard().lagNs.store(qMax<qint64>(0, ns), std::memory_order_relaxed);
}

void Metrics::setBreakerProvider(std::function<QList<DependencyState>()> provider)
{
    QMutexLocker lock(&m_providersMutex);
    m_breakers = std::move(provider);
}

void Metrics::setHealthProvider(std::function<QList<DependencyState>()> provider)
{
    QMutexLocker lock(&m_providersMutex);
    m_health = std::move(provider);
}

void Metrics::setWebSocketProvider(std::function<WebSocketStats()> provider)
{
    QMutexLocker lock(&m_providersMutex);
    m_webSocket = std::move(provider);
}

void Metrics::setTopLimitedProvider(std::function<QJsonArray()> provider)
{
    QMutexLocker lock(&m_providersMutex);
    m_topLimited = std::move(provider);
}

void Metrics::setAlertsProvider(std::function<QJsonArray()> provider)
{
    QMutexLocker lock(&m_providersMutex);
    m_alerts = std::move(provider);
}

QList<DependencyState> Metrics::breakers() const
{
    const auto f = copyUnder(m_providersMutex, m_breakers);
    return f ? f() : QList<DependencyState>();
}

QList<DependencyState> Metrics::healthChecks() const
{
    const auto f = copyUnder(m_providersMutex, m_health);
    return f ? f() : QList<DependencyState>();
}

WebSocketStats Metrics::webSocket() const
{
    const auto f = copyUnder(m_providersMutex, m_webSocket);
    return f ? f() : WebSocketStats();
}

QJsonArray Metrics::topLimited() const
{
    const auto f = copyUnder(m_providersMutex, m_topLimited);
    return f ? f() : QJsonArray();
}

QJsonArray Metrics::alerts() const
{
    const auto f = copyUnder(m_providersMutex, m_alerts);
    return f ? f() : QJsonArray();
}

int Metrics::dbUp() const
{
    const int up = m_dbUp.load(std::memory_order_relaxed);
    if (up >= 0)
        return up;
    for (const DependencyState &c : healthChecks()) {
        if (c.name == u"database")
            return c.state >= 2 ? 0 : 1;
    }
    return -1;
}

namespace {

void addTiming(MetricsTotals::Timing &into, const MetricsShard::Timing &t, bool withLatency)
{
    for (size_t i = 0; i < into.buckets.size(); ++i)
        into.buckets[i] += t.buckets[i].load(std::memory_order_relaxed);
    into.count += t.count.load(std::memory_order_relaxed);
    into.sumNs += t.sumNs.load(std::memory_order_relaxed);
    if (withLatency) {
        for (int i = 0; i < LatencyHistogram::kBuckets; ++i) {
            if (const quint64 n = t.latency[size_t(i)].load(std::memory_order_relaxed))
                into.latency.addBucket(i, n);
        }
    }
}

} // namespace

MetricsTotals Metrics::totals(bool withLatency) const
{
    MetricsTotals out;
    std::vector<int> routeIndex(MetricsShard::kMaxSlots, -1);
    QStringList policies;
    {
        QMutexLocker lock(&m_policiesMutex);
        policies = m_policies;
    }
    std::array<quint64, MetricsShard::kMaxPolicies> hits{};
    QMutexLocker lock(&m_shardsMutex);
    for (const auto &sp : m_shards) {
        const MetricsShard &s = *sp;
        // finished first: a request counted as finished is then surely counted as started.
        out.finished += s.finished.load(std::memory_order_relaxed);
        out.started += s.started.load(std::memory_order_relaxed);
        for (const MetricsShard::Entry &e : s.requests) {
            const quint32 key = e.key.load(std::memory_order_acquire);
            if (key != 0)
                out.requests[key] += e.value.load(std::memory_order_relaxed);
        }
        for (int slot = 0; slot < MetricsShard::kMaxSlots; ++slot) {
            const MetricsShard::RouteStats *r =
                s.routes[size_t(slot)].load(std::memory_order_acquire);
            if (!r)
                continue;
            if (routeIndex[size_t(slot)] < 0) {
                routeIndex[size_t(slot)] = int(out.routes.size());
                out.routes.emplace_back();
                out.routes.back().slot = slot;
            }
            MetricsTotals::RouteTotals &t = out.routes[size_t(routeIndex[size_t(slot)])];
            addTiming(t.timing, r->timing, withLatency);
            t.bytes += r->bytes.load(std::memory_order_relaxed);
        }
        if (const MetricsShard::Timing *db = s.dbTiming.load(std::memory_order_acquire))
            addTiming(out.db, *db, withLatency);
        out.loginsOk += s.loginsOk.load(std::memory_order_relaxed);
        out.loginsFailed += s.loginsFailed.load(std::memory_order_relaxed);
        for (size_t i = 0; i < hits.size(); ++i)
            hits[i] += s.rateLimitHits[i].load(std::memory_order_relaxed);
        const qint64 lag = s.lagNs.load(std::memory_order_relaxed);
        if (lag >= 0)
            out.lagSeconds.append({s.thread, double(lag) / 1e9});
    }
    lock.unlock();
    std::sort(out.routes.begin(), out.routes.end(),
              [](const auto &a, const auto &b) { return a.slot < b.slot; });
    for (int i = 0; i < int(hits.size()); ++i) {
        if (i < policies.size())
            out.rateLimitHits.insert(policies[i], hits[size_t(i)]);
        else if (hits[size_t(i)] > 0)
            out.rateLimitHits[QStringLiteral("other")] += hits[size_t(i)];
    }
    std::sort(out.lagSeconds.begin(), out.lagSeconds.end());
    return out;
}

} // namespace cr
