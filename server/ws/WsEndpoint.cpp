#include "ws/WsEndpoint.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/RequestContext.h"
#include "ws/WsHub.h"
#include "ws/WsSession.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <chrono>

namespace cr {

WsEndpoint::WsEndpoint(WsHub &hub)
    : m_hub(hub)
    , m_server(
          new QWebSocketServer(QStringLiteral("CodeRunner"), QWebSocketServer::NonSecureMode, this))
    , m_sweep(new QTimer(this))
{
    const Settings &s = hub.settings();
    m_server->setHandshakeTimeout(std::chrono::milliseconds(s.headerTimeoutMs));
    connect(m_server, &QWebSocketServer::newConnection, this, &WsEndpoint::onNewConnections);
    m_sweep->setInterval(s.sweepIntervalMs);
    connect(m_sweep, &QTimer::timeout, this, &WsEndpoint::sweep);
    m_sweep->start();
}

WsEndpoint::~WsEndpoint()
{
    m_hub.endpointGone(this);
    const QList<WsSession *> sessions = m_sessions.values();
    m_sessions.clear();
    for (WsSession *s : sessions)
        delete s;
    const QList<QTcpSocket *> sockets = m_pending.keys();
    for (QTcpSocket *socket : sockets) {
        Pending p = m_pending.take(socket);
        socket->disconnect(this);
        if (p.released)
            p.released();
    }
}

void WsEndpoint::takeOver(QTcpSocket *socket, const RequestContext &ctx,
                          std::function<void()> released)
{
    Pending p;
    p.released = std::move(released);
    p.peer = ctx.request->peer;
    p.peerPort = socket->peerPort();
    // ?token= is accepted (CONTRACT §9) and never logged.
    const QUrlQuery query(QString::fromUtf8(ctx.request->query));
    p.queryToken = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    m_pending.insert(socket, std::move(p));
    // A failed handshake leaves the socket to us: free it and its slot.
    connect(socket, &QTcpSocket::disconnected, this, [this, socket] {
        if (m_pending.contains(socket))
            socket->deleteLater();
    });
    connect(socket, &QObject::destroyed, this, [this, socket] {
        auto it = m_pending.find(socket);
        if (it == m_pending.end())
            return;
        std::function<void()> released = std::move(it->released);
        m_pending.erase(it);
        if (released)
            released();
    });
    m_server->handleConnection(socket);
}

void WsEndpoint::onNewConnections()
{
    while (m_server->hasPendingConnections()) {
        QWebSocket *ws = m_server->nextPendingConnection();
        if (!ws)
            break;
        const auto cap = quint64(m_hub.settings().wsMaxMessageBytes);
        ws->setMaxAllowedIncomingMessageSize(cap);
        ws->setMaxAllowedIncomingFrameSize(cap);
        Pending meta;
        for (auto it = m_pending.begin(); it != m_pending.end(); ++it) {
            if (it->peerPort == ws->peerPort()) {
                meta = std::move(it.value());
                it.key()->disconnect(this);
                m_pending.erase(it);
                break;
            }
        }
        auto *session = new WsSession(ws, m_hub, meta.peer, std::move(meta.released), this);
        m_sessions.insert(session);
        connect(session, &WsSession::ended, this, [this](WsSession *s) {
            if (m_sessions.remove(s))
                s->deleteLater();
        });
        if (!meta.queryToken.isEmpty())
            session->authenticate(meta.queryToken);
    }
}

void WsEndpoint::closeAll()
{
    for (WsSession *s : m_sessions.values())
        s->close(1001, QStringLiteral("server shutting down"));
}

int WsEndpoint::connectionCount() const
{
    return int(m_sessions.size() + m_pending.size());
}

void WsEndpoint::deliver(const QString &channelKey, const QByteArray &message)
{
    for (WsSession *s : m_sessions.values()) {
        if (s->isSubscribed(channelKey))
            s->send(message);
    }
}

void WsEndpoint::sweep()
{
    const qint64 mono = m_hub.clock().monotonicMs();
    const qint64 wall = m_hub.clock().wallMs();
    for (WsSession *s : m_sessions.values())
        s->checkDeadline(mono, wall);
}

} // namespace cr
