#include "telemetry/HealthMonitor.h"

#include "core/Clock.h"
#include "core/Logging.h"

#include <QJsonArray>
#include <QTimer>

namespace cr {

HealthMonitor::HealthMonitor(const Clock &clock, int intervalMs, Envelope envelope, QString version)
    : m_clock(clock)
    , m_intervalMs(intervalMs)
    , m_envelope(envelope)
    , m_version(std::move(version))
{
    m_snapshot = render({});
}

HealthMonitor::~HealthMonitor() = default;

void HealthMonitor::addCheck(std::unique_ptr<HealthCheck> check)
{
    m_checks.push_back(std::move(check));
}

void HealthMonitor::start()
{
    if (!m_timer) {
        m_timer = new QTimer(this);
        connect(m_timer, &QTimer::timeout, this, &HealthMonitor::runNow);
    }
    m_timer->start(m_intervalMs);
    runNow();
}

void HealthMonitor::stop()
{
    if (m_timer)
        m_timer->stop();
    m_checks.clear(); // checks own thread-bound resources (database connections)
}

void HealthMonitor::runNow()
{
    QList<CheckResult> results;
    for (const auto &check : m_checks)
        results.append(check->run());
    std::shared_ptr<HealthSnapshot> next = render(std::move(results));
    next->initial = false;
    const CheckStatus before = snapshot()->overall;
    {
        QMutexLocker lock(&m_mutex);
        m_snapshot = std::move(next);
    }
    if (snapshot()->overall != before)
        qCInfo(lcHealth) << "health is now" << HealthSnapshot::overallName(snapshot()->overall);
    Q_EMIT updated();
}

std::shared_ptr<const HealthSnapshot> HealthMonitor::snapshot() const
{
    QMutexLocker lock(&m_mutex);
    return m_snapshot;
}

std::shared_ptr<HealthSnapshot> HealthMonitor::render(QList<CheckResult> results) const
{
    auto s = std::make_shared<HealthSnapshot>();
    s->checks = std::move(results);
    s->checkedAtMs = m_clock.wallMs();
    for (const CheckResult &c : s->checks)
        s->overall = qMax(s->overall, c.status);

    const QString ts = JsonTemplate::slot("ts");
    auto body = [&](bool detailed) {
        QJsonArray checks;
        for (const CheckResult &c : s->checks) {
            QJsonObject o{
                {QStringLiteral("name"), c.name},
                {QStringLiteral("status"), QString::fromLatin1(checkStatusName(c.status))},
                {QStringLiteral("latencyMs"), qRound(c.latencyMs * 1000) / 1000.0}};
            if (detailed && !c.details.isEmpty())
                o.insert(QStringLiteral("details"), c.details);
            checks.append(o);
        }
        QJsonObject data{
            {QStringLiteral("status"), QString::fromLatin1(checkStatusName(s->overall))},
            {QStringLiteral("overall"),
             QString::fromLatin1(HealthSnapshot::overallName(s->overall))},
            {QStringLiteral("timestamp"), ts},
            {QStringLiteral("uptimeSeconds"), JsonTemplate::slot("uptime")},
            {QStringLiteral("checks"), checks}};
        if (detailed)
            data.insert(QStringLiteral("version"), m_version);
        return JsonTemplate(m_envelope.successObject(data, ts.toLatin1()));
    };
    s->publicBody = body(false);
    s->detailedBody = body(true);
    return s;
}

} // namespace cr
