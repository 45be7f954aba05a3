#include "api/HealthController.h"

#include "core/Clock.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "http/TimeText.h"
#include "telemetry/HealthMonitor.h"

#include <QJsonArray>

#include <memory>

namespace cr {
namespace {

void addBoth(Router &router, const QString &path, Handler handler, const QString &summary)
{
    router.add(
        Route{Method::Get, path, Role::Anonymous, handler, BodyKind::None, -1, false, summary});
    router.add(Route{Method::Get, QStringLiteral("/api") + path, Role::Anonymous,
                     std::move(handler), BodyKind::None, -1, false, summary});
}

// The /health body for this millisecond. Under load many requests share one millisecond, so
// each worker thread keeps the last body it rendered per variant and reuses it while the
// snapshot, the millisecond and the uptime second are the same.
QByteArray renderHealth(const HealthController::Sources &s, bool detailed, int *status)
{
    struct Cached
    {
        std::shared_ptr<const HealthSnapshot> snapshot;
        qint64 wallMs = -1;
        qint64 uptime = -1;
        QByteArray body;
    };
    thread_local Cached t_cache[2];
    Cached &c = t_cache[detailed ? 1 : 0];

    std::shared_ptr<const HealthSnapshot> snap = s.monitor->snapshot();
    *status = snap->overall == CheckStatus::Down ? 503 : 200;
    const qint64 wallMs = s.clock->wallMs();
    const qint64 uptime = (s.clock->monotonicMs() - s.startedMs) / 1000;
    if (c.snapshot == snap && c.wallMs == wallMs && c.uptime == uptime)
        return c.body;

    const JsonTemplate &t = detailed ? snap->detailedBody : snap->publicBody;
    std::vector<QByteArray> values(t.names().size());
    values[size_t(t.indexOf("ts"))] = '"' + TimeText::iso(wallMs) + '"';
    values[size_t(t.indexOf("uptime"))] = QByteArray::number(uptime);
    c.body = t.render(values);
    c.snapshot = std::move(snap);
    c.wallMs = wallMs;
    c.uptime = uptime;
    return c.body;
}

} // namespace

void HealthController::registerRoutes(Router &router) const
{
    const Sources s = m_sources;

    addBoth(
        router, QStringLiteral("/health"),
        [s](RequestContext &ctx, Reply reply) {
            const bool detailed = ctx.principal.role >= Role::Operator;
            HttpResponse r;
            r.body = renderHealth(s, detailed, &r.status);
            reply.send(std::move(r));
        },
        QStringLiteral("Overall health from cached background checks"));

    addBoth(
        router, QStringLiteral("/health/live"),
        [](RequestContext &, Reply reply) {
            reply.ok(QJsonObject{{QStringLiteral("status"), QStringLiteral("ok")}});
        },
        QStringLiteral("Liveness: the process answers"));

    addBoth(
        router, QStringLiteral("/health/ready"),
        [s](RequestContext &, Reply reply) {
            const auto snap = s.monitor->snapshot();
            QJsonArray reasons;
            if (snap->initial)
                reasons.append(QStringLiteral("checks have not run yet"));
            const CheckResult *db = snap->find(QStringLiteral("database"));
            if (!snap->initial && (!db || db->status == CheckStatus::Down))
                reasons.append(QStringLiteral("database unreachable"));
            if (s.draining && s.draining())
                reasons.append(QStringLiteral("shutting down"));
            const bool ready = reasons.isEmpty();
            QJsonObject data{{QStringLiteral("status"),
                              ready ? QStringLiteral("ready") : QStringLiteral("not_ready")}};
            if (!ready)
                data.insert(QStringLiteral("reasons"), reasons);
            reply.ok(data, ready ? 200 : 503);
        },
        QStringLiteral("Readiness: database reachable and not draining"));

    addBoth(
        router, QStringLiteral("/health/database"),
        [s](RequestContext &, Reply reply) {
            const auto snap = s.monitor->snapshot();
            const CheckResult *db = snap->find(QStringLiteral("database"));
            const bool up = db && db->status != CheckStatus::Down;
            reply.ok(QJsonObject{{QStringLiteral("database"), up ? QStringLiteral("connected")
                                                                 : QStringLiteral("disconnected")},
                                 {QStringLiteral("latencyMs"), db ? db->latencyMs : 0.0}},
                     up ? 200 : 503);
        },
        QStringLiteral("Database connectivity"));

    addBoth(
        router, QStringLiteral("/health/services"),
        [s](RequestContext &, Reply reply) {
            const auto snap = s.monitor->snapshot();
            QJsonArray services;
            for (const CheckResult &c : snap->checks)
                services.append(QJsonObject{
                    {QStringLiteral("name"), c.name},
                    {QStringLiteral("status"), QString::fromLatin1(checkStatusName(c.status))}});
            reply.ok(QJsonObject{{QStringLiteral("services"), services}});
        },
        QStringLiteral("Status of each checked service"));

    addBoth(
        router, QStringLiteral("/health/websocket"),
        [s](RequestContext &, Reply reply) {
            reply.ok(QJsonObject{{QStringLiteral("websocket"), QStringLiteral("ready")},
                                 {QStringLiteral("connections"),
                                  s.webSocketConnections ? s.webSocketConnections() : 0}});
        },
        QStringLiteral("WebSocket endpoint status"));
}

} // namespace cr
