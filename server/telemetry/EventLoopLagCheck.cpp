#include "telemetry/EventLoopLagCheck.h"

#include "core/Clock.h"

#include <QTimer>

namespace cr {

EventLoopLagCheck::EventLoopLagCheck(const Clock &clock, HealthThresholds ms, int probeIntervalMs)
    : m_clock(clock)
    , m_ms(ms)
    , m_probeIntervalMs(qMax(1, probeIntervalMs))
{
    m_ms.lowerIsWorse = false;
}

EventLoopLagCheck::~EventLoopLagCheck() =
    default; // in the thread of the timer (HealthMonitor::stop)

void EventLoopLagCheck::tick()
{
    const qint64 now = m_clock.monotonicMs();
    if (m_dueMs >= 0) {
        m_lastLagMs = double(qMax<qint64>(0, now - m_dueMs));
        m_maxLagMs = qMax(m_maxLagMs, m_lastLagMs);
    }
    m_dueMs = now + m_probeIntervalMs;
}

CheckResult EventLoopLagCheck::run()
{
    if (!m_timer) {
        m_timer = std::make_unique<QTimer>();
        m_timer->setTimerType(Qt::PreciseTimer);
        m_timer->setInterval(m_probeIntervalMs);
        QObject::connect(m_timer.get(), &QTimer::timeout, m_timer.get(), [this] { tick(); });
        m_timer->start();
        tick(); // the first due time
    }
    CheckResult r;
    r.name = name();
    const double lag = m_maxLagMs;
    m_maxLagMs = 0;
    r.value = lag;
    r.status = m_ms.classify(lag);
    r.details.insert(QStringLiteral("maxLagMs"), lag);
    r.details.insert(QStringLiteral("probeIntervalMs"), m_probeIntervalMs);
    r.details.insert(QStringLiteral("thresholdsMs"), m_ms.toJson());
    return r;
}

} // namespace cr
