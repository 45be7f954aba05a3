#include "exec/SandboxProbe.h"

#include <QThread>

namespace cr {

SandboxProbe::~SandboxProbe()
{
    if (m_thread)
        m_thread->wait();
}

void SandboxProbe::start()
{
    if (m_thread)
        return;
    m_thread.reset(QThread::create([this] {
        const QJsonObject json = SandboxCapabilities::detect().toJson();
        QMutexLocker lock(&m_mutex);
        m_json = json;
        m_done = true;
    }));
    m_thread->setObjectName(QStringLiteral("cr-sandbox-probe"));
    m_thread->start(QThread::LowPriority);
}

QJsonObject SandboxProbe::json() const
{
    QMutexLocker lock(&m_mutex);
    return m_json;
}

bool SandboxProbe::isDone() const
{
    QMutexLocker lock(&m_mutex);
    return m_done;
}

} // namespace cr
