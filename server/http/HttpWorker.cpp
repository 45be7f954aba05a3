#include "http/HttpWorker.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/HttpConnection.h"
#include "http/RequestIds.h"
#include "http/RequestObserver.h"
#include "http/ResponseWriter.h"

#include <QSslSocket>
#include <QTimer>

#include <sys/socket.h>
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
    if (m_env.observer)
        m_env.observer->workerStarted(this, m_index);
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
    socket->setSocketOption(QAbstractSocket::LowDelayOption, 1);
    if (m_tls)
        static_cast<QSslSocket *>(socket)->setSslConfiguration(*m_tls);
    auto *connection = new HttpConnection(socket, m_env, m_tls.has_value(), peer, this);
    connect(connection, &HttpConnection::finished, this, &HttpWorker::remove);
    m_connections.insert(connection);
}

void HttpWorker::refuse(qintptr descriptor)
{
    constexpr int kMaxRefused = 256;
    constexpr int kLingerMs = 2000;
    if (m_tls) { // a plain-text 503 means nothing to a TLS client: just close
        ::close(int(descriptor));
        return;
    }
    auto *socket = new QTcpSocket(this);
    if (m_refused.size() >= kMaxRefused || !socket->setSocketDescriptor(descriptor)) {
        delete socket;
        ::close(int(descriptor));
        return;
    }
    WriteInfo info;
    info.requestId = RequestIds::next();
    info.close = true;
    socket->write(m_env.writer->serialize(
        m_env.writer->error(
            Error::make(ErrorCode::Overloaded,
                        QStringLiteral("Too many open connections; try again later")),
            info.requestId),
        info));
    m_refused.insert(socket, m_env.clock->monotonicMs() + kLingerMs);
    auto halfClose = [socket] {
        if (socket->bytesToWrite() == 0)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    };
    connect(socket, &QTcpSocket::bytesWritten, socket, halfClose);
    connect(socket, &QTcpSocket::readyRead, socket,
            [socket] { socket->skip(socket->bytesAvailable()); });
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (m_refused.remove(socket))
            socket->deleteLater();
    });
    socket->flush();
    halfClose();
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
    for (auto it = m_refused.begin(); it != m_refused.end();) {
        if (now < it.value()) {
            ++it;
            continue;
        }
        QTcpSocket *socket = it.key();
        it = m_refused.erase(it);
        socket->abort();
        socket->deleteLater();
    }
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
    for (QTcpSocket *socket : m_refused.keys())
        delete socket;
    m_refused.clear();
}

} // namespace cr
