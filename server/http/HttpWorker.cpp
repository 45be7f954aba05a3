#include "http/HttpWorker.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/HttpConnection.h"

#include <QSslSocket>
#include <QTimer>

#include <unistd.h>

namespace cr {

HttpWorker::HttpWorker(int index, const ConnectionEnv &env, UpgradeHandlerFactory upgrades,
                       std::optional<QSslConfiguration> tls)
    : m_index(index)
    , m_env(env)
    , m_upgradeFactory(std::move(upgrades))
    , m_tls(std::move(tls))
{}

HttpWorker::~HttpWorker() = default;

void HttpWorker::init()
{
    if (m_upgradeFactory) {
        m_upgrades = m_upgradeFactory();
        m_env.upgrades = m_upgrades.get();
    }
    m_sweep = new QTimer(this);
    m_sweep->setInterval(m_env.settings->sweepIntervalMs);
    connect(m_sweep, &QTimer::timeout, this, &HttpWorker::sweep);
    m_sweep->start();
}

int HttpWorker::connectionCount() const
{
    return int(m_connections.size()) + (m_upgrades ? m_upgrades->connectionCount() : 0);
}

void HttpWorker::accept(qintptr descriptor, const QHostAddress &peer)
{
    if (m_draining) {
        ::close(int(descriptor));
        m_env.openConnections->fetch_sub(1);
        return;
    }
    QTcpSocket *socket = m_tls ? new QSslSocket : new QTcpSocket;
    if (!socket->setSocketDescriptor(descriptor)) {
        qCWarning(lcHttp) << "could not adopt a connection:" << socket->errorString();
        delete socket;
        ::close(int(descriptor));
        m_env.openConnections->fetch_sub(1);
        return;
    }
    socket->setProperty("cr.peer", QVariant::fromValue(peer));
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_tls)
        static_cast<QSslSocket *>(socket)->setSslConfiguration(*m_tls);
    auto *connection = new HttpConnection(socket, m_env, m_tls.has_value(), this);
    connect(connection, &HttpConnection::finished, this, &HttpWorker::remove);
    m_connections.insert(connection);
}

void HttpWorker::remove(HttpConnection *connection)
{
    if (m_connections.remove(connection))
        connection->deleteLater();
    checkDrained();
}

void HttpWorker::sweep()
{
    const qint64 now = m_env.clock->monotonicMs();
    const QList<HttpConnection *> all = m_connections.values();
    for (HttpConnection *c : all)
        c->checkDeadline(now);
    if (m_draining && now >= m_drainDeadline) {
        for (HttpConnection *c : m_connections.values())
            c->abort();
        if (m_upgrades)
            m_upgrades->closeAll();
    }
    checkDrained();
}

void HttpWorker::drain(qint64 deadlineMs)
{
    m_draining = true;
    m_drainDeadline = deadlineMs;
    for (HttpConnection *c : m_connections.values())
        c->drain();
    if (m_upgrades)
        m_upgrades->closeAll();
    checkDrained();
}

void HttpWorker::checkDrained()
{
    if (m_draining && !m_drainedSent && connectionCount() == 0) {
        m_drainedSent = true;
        Q_EMIT drained(m_index);
    }
}

void HttpWorker::stopNow()
{
    if (m_sweep)
        m_sweep->stop();
    const QList<HttpConnection *> all = m_connections.values();
    m_connections.clear();
    for (HttpConnection *c : all) {
        c->abort();
        delete c;
    }
    m_upgrades.reset();
}

} // namespace cr
