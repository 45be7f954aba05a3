#include "datasource/DataSource.h"

namespace cr {

DataSource::DataSource(QObject *parent)
    : QObject(parent)
{
    // Queued connections (a source's worker thread, the console) need the types registered.
    qRegisterMetaType<ServerStatus>();
    qRegisterMetaType<HealthCheckView>();
    qRegisterMetaType<HealthView>();
    qRegisterMetaType<AccountCreation>();
}

void DataSource::checkFirstRun()
{
    QMetaObject::invokeMethod(
        this, [this] { Q_EMIT firstRunNeeded(false); }, Qt::QueuedConnection);
}

void DataSource::createFirstAdmin(const QString &, const QString &)
{
    AccountCreation refused;
    refused.message = tr("This server does not create accounts from the console.");
    QMetaObject::invokeMethod(
        this, [this, refused] { Q_EMIT adminCreated(refused); }, Qt::QueuedConnection);
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
