#include "engine/AlertFeed.h"

#include "core/CircuitBreakers.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "identity/AuditRepository.h"
#include "store/StoragePool.h"
#include "telemetry/AlertEngine.h"
#include "telemetry/HealthMonitor.h"
#include "telemetry/TelemetryService.h"
#include "ws/WsHub.h"

#include <QJsonArray>

namespace cr {
namespace {

QJsonObject member(const QJsonObject &object, const char *name)
{
    return object.value(QLatin1String(name)).toObject();
}

} // namespace

AlertFeed::AlertFeed(const Sources &sources)
    : m_sources(sources)
{
    sendEventsOut();
    QObject::connect(m_sources.health, &HealthMonitor::updated, m_sources.health,
                     [this] { onHealthRound(); });
    QObject::connect(m_sources.telemetry, &TelemetryService::snapshotReady, m_sources.telemetry,
                     [this](const QJsonObject &snapshot) { onTelemetry(snapshot); });
}

void AlertFeed::onHealthRound()
{
    const std::shared_ptr<const HealthSnapshot> snap = m_sources.health->snapshot();
    AlertInputs in = m_sources.alerts->lastInputs();
    in.openBreakers = m_sources.breakers->open();
    in.healthUnhealthy = snap->overall == CheckStatus::Down;
    in.unhealthyChecks.clear();
    for (const CheckResult &c : snap->checks) {
        if (c.status == CheckStatus::Down)
            in.unhealthyChecks << c.name;
        if (c.name == u"memory" && c.value >= 0)
            in.memoryPercent = c.value;
        if (c.name == u"cpu" && c.value >= 0)
            in.cpuPercent = c.value;
    }
    m_sources.alerts->evaluate(in);
}

void AlertFeed::onTelemetry(const QJsonObject &snapshot)
{
    const QJsonObject minute = member(member(snapshot, "windows"), "1m");
    AlertInputs in = m_sources.alerts->lastInputs();
    in.p95LatencyMs = member(minute, "latencyMs").value(QLatin1String("p95")).toDouble();
    in.errorRate = minute.value(QLatin1String("errorRate")).toDouble();
    in.failedLoginsPerMinute =
        member(snapshot, "logins").value(QLatin1String("failure1m")).toDouble();
    m_sources.alerts->evaluate(in);
}

void AlertFeed::sendEventsOut()
{
    WsHub *hub = m_sources.hub;
    StoragePool *pool = m_sources.pool;
    HealthMonitor *health = m_sources.health;
    const Clock *clock = m_sources.clock;
    m_sources.alerts->addListener([hub, pool, health, clock](const Alert &event) {
        hub->publish(QStringLiteral("alerts"),
                     QJsonObject{{QStringLiteral("event"), event.state},
                                 {QStringLiteral("alert"), event.toJson()}});
        AuditEntry entry;
        entry.atMs = clock->wallMs();
        entry.action = QStringLiteral("alert.") + event.state; // alert.firing | alert.resolved
        entry.target = event.name;
        entry.result = QString::fromLatin1(AuditEntry::kSuccess);
        entry.details =
            QJsonObject{{QStringLiteral("severity"), event.severity},
                        {QStringLiteral("value"), event.value},
                        {QStringLiteral("threshold"), event.threshold},
                        {QStringLiteral("subjects"), QJsonArray::fromStringList(event.subjects)}};
        // Answered in the background thread; the alert may be about the database itself, so a
        // failed write is logged, and the alert was published already.
        pool->run<bool>(
            health,
            [entry](Db &db) -> Result<bool> {
                if (Status st = AuditRepository::append(db, entry); !st)
                    return st.error();
                return true;
            },
            [name = event.name](Result<bool> done) {
                if (!done)
                    qCWarning(lcHealth).noquote()
                        << "alert" << name
                        << "not written to the audit log:" << done.error().message;
            });
    });
}

} // namespace cr
