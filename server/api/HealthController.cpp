#include "api/HealthController.h"

#include "core/Clock.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "http/TimeText.h"
#include "telemetry/HealthMonitor.h"

#include <QJsonArray>

namespace cr {
namespace {

void addBoth(Router &router, const QString &path, Handler handler, const QString &summary)
{
    router.add(
        Route{Method::Get, path, Role::Anonymous, handler, BodyKind::None, -1, false, summary});
    router.add(Route{Method::Get, QStringLiteral("/api") + path, Role::Anonymous,
                     std::move(handler), BodyKind::None, -1, false, summary});
}

} // namespace

void HealthController::registerRoutes(Router &router) const
{
    const Sources s = m_sources;

    addBoth(
        router, QStringLiteral("/health"),
        [s](RequestContext &ctx, Reply reply) {
            const auto snap = s.monitor->snapshot();
            const bool detailed = ctx.principal.role >= Role::Operator;
            const JsonTemplate &t = detailed ? snap->detailedBody : snap->publicBody;
            std::vector<QByteArray> values(t.names().size());
            const QByteArray &ts = TimeText::iso(s.clock->wallMs());
            values[size_t(t.indexOf("ts"))] = '"' + ts + '"';
            values[size_t(t.indexOf("uptime"))] =
                QByteArray::number((s.clock->monotonicMs() - s.startedMs) / 1000);
            HttpResponse r;
            r.status = snap->overall == CheckStatus::Down ? 503 : 200;
            r.body = t.render(values);
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
