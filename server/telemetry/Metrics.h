#pragma once

#include "telemetry/MetricsTotals.h"

#include <QJsonArray>
#include <QMutex>
#include <QStringList>

#include <atomic>
#include <functional>
#include <memory>
#include <vector>

namespace cr {

class Clock;
struct RequestRecord;
struct Route;

// The engine's metrics: where every part records what it does, and what /metrics and the live
// telemetry read. One per Engine, shared by pointer (no global registry).
//
// Recording is thread-safe and lock-free after a thread's first call: each thread writes its
// own MetricsShard (found through a thread_local cache). Reading sums the shards.
//
// Values owned elsewhere come in through the record calls below (rate-limit hits, logins,
// database queries) or are pulled at read time from providers (breakers, health checks,
// WebSocket counts, top limited clients, active alerts). Providers may be set at any time, from
// any thread; they are called on the scraping thread (a worker) and the telemetry thread, so
// they must be thread-safe and must not block.
class Metrics
{
public:
    Metrics(const Clock &clock, QString version);
    ~Metrics();
    Metrics(const Metrics &) = delete;
    Metrics &operator=(const Metrics &) = delete;

    // --- Routes: before the HTTP server starts (the route table is immutable from then on).
    void setRoutes(const std::vector<Route> &routes);
    // Route templates as labels ("/api/deployments/:id<uuid>" → "/api/deployments/:id");
    // the last slot is "unmatched" (404, 405, unreadable requests).
    const QStringList &routeLabels() const { return m_labels; }
    int unmatchedSlot() const { return int(m_labels.size()) - 1; }
    static QString routeLabel(const QString &pattern);

    // --- Recording (any thread).
    void requestStarted();
    void requestFinished(const RequestRecord &record);
    // A request refused by the rate limiter under `policy` (call once per 429).
    void rateLimitHit(const QString &policy);
    // A password login attempt that reached a verdict.
    void login(bool succeeded);
    // One database statement or transaction, wall time in seconds.
    void dbQuery(double seconds);
    // The database connection state; until first set, the health check named "database" is used.
    void setDbUp(bool up);
    // The calling thread's event-loop lag, measured by a probe timer in that thread.
    void eventLoopLag(qint64 ns);

    // --- Providers (pulled when read).
    void setBreakerProvider(std::function<QList<DependencyState>()> provider);
    void setHealthProvider(std::function<QList<DependencyState>()> provider);
    void setWebSocketProvider(std::function<WebSocketStats()> provider);
    // [{key, policy, hits}], most limited first (telemetry only).
    void setTopLimitedProvider(std::function<QJsonArray()> provider);
    // [{name, severity, since, ...}] alerts firing now (telemetry only).
    void setAlertsProvider(std::function<QJsonArray()> provider);

    QList<DependencyState> breakers() const;
    QList<DependencyState> healthChecks() const;
    WebSocketStats webSocket() const;
    QJsonArray topLimited() const;
    QJsonArray alerts() const;
    // 1 up, 0 down, -1 unknown.
    int dbUp() const;

    // --- Reading.
    MetricsTotals totals(bool withLatency) const;
    const QString &version() const { return m_version; }
    const Clock &clock() const { return m_clock; }
    int shardCount() const;

private:
    MetricsShard &shard();
    int policyIndex(MetricsShard &shard, const QString &policy);

    const Clock &m_clock;
    const QString m_version;
    const quint64 m_id; // tells thread_local caches of different instances apart
    const Route *m_routeBase = nullptr;
    std::vector<int> m_slotOfRoute; // route index → label slot
    QStringList m_labels;

    mutable QMutex m_shardsMutex;
    std::vector<std::unique_ptr<MetricsShard>> m_shards;

    mutable QMutex m_policiesMutex;
    QStringList m_policies;

    std::atomic<int> m_dbUp{-1};

    mutable QMutex m_providersMutex;
    std::function<QList<DependencyState>()> m_breakers;
    std::function<QList<DependencyState>()> m_health;
    std::function<WebSocketStats()> m_webSocket;
    std::function<QJsonArray()> m_topLimited;
    std::function<QJsonArray()> m_alerts;
};

} // namespace cr
