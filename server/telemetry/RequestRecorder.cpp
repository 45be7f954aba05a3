#include "telemetry/RequestRecorder.h"

#include "core/Clock.h"
#include "telemetry/Metrics.h"

#include <QThread>
#include <QTimer>

namespace cr {

RequestRecorder::RequestRecorder(Metrics &metrics, const Clock &clock, int lagProbeMs)
    : m_metrics(metrics)
    , m_clock(clock)
    , m_lagProbeMs(lagProbeMs)
{}

void RequestRecorder::workerStarted(QObject *worker, int)
{
    if (m_lagProbeMs <= 0)
        return;
    auto *probe = new QTimer(worker); // lives and fires in the worker's thread
    probe->setTimerType(Qt::PreciseTimer);
    probe->setInterval(m_lagProbeMs);
    auto expected =
        std::make_shared<qint64>(m_clock.monotonicNs() + qint64(m_lagProbeMs) * 1000000);
    Metrics *metrics = &m_metrics;
    const Clock *clock = &m_clock;
    const qint64 intervalNs = qint64(m_lagProbeMs) * 1000000;
    QObject::connect(probe, &QTimer::timeout, probe, [metrics, clock, expected, intervalNs] {
        const qint64 now = clock->monotonicNs();
        metrics->eventLoopLag(now - *expected);
        *expected = now + intervalNs;
    });
    // The worker is deleted after its thread has ended; a timer must be stopped in its own
    // thread, so stop it as the thread finishes (finished() is emitted in that thread).
    QObject::connect(
        QThread::currentThread(), &QThread::finished, probe, [probe] { probe->stop(); },
        Qt::DirectConnection);
    metrics->eventLoopLag(0);
    probe->start();
}

void RequestRecorder::requestStarted()
{
    m_metrics.requestStarted();
}

void RequestRecorder::requestFinished(const RequestRecord &record)
{
    m_metrics.requestFinished(record);
}

} // namespace cr
