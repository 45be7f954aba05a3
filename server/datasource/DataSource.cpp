#include "datasource/DataSource.h"

namespace cr {

DataSource::DataSource(QObject *parent)
    : QObject(parent)
{
    // Queued connections (a source's worker thread, the console) need the types registered.
    qRegisterMetaType<ServerStatus>();
    qRegisterMetaType<HealthCheckView>();
    qRegisterMetaType<HealthView>();
}

DataSource::~DataSource() = default;

void DataSource::setStatus(const ServerStatus &status)
{
    if (status == m_status)
        return;
    m_status = status;
    Q_EMIT statusChanged(m_status);
    // A server that is not up has no health to show.
    if (status.isIdle() || status.state == ServerState::Starting)
        setHealth(HealthView());
}

void DataSource::setHealth(const HealthView &health)
{
    if (health == m_health)
        return;
    m_health = health;
    Q_EMIT healthChanged(m_health);
}

} // namespace cr
