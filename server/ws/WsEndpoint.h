#pragma once

#include "core/Error.h"
#include "http/UpgradeHandler.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>

class QTimer;
class QWebSocketServer;
class QTcpSocket;

namespace cr {

class WsHub;
class WsSession;

// One worker thread's WebSocket side: a non-listening QWebSocketServer in that same thread
// (handing a socket to a server in another thread would be a data race), the sessions it
// produced, and a sweep for their deadlines.
class WsEndpoint final : public QObject, public UpgradeHandler
{
    Q_OBJECT
public:
    explicit WsEndpoint(WsHub &hub);
    ~WsEndpoint() override;

    void takeOver(QTcpSocket *socket, const RequestContext &ctx,
                  std::function<void()> released) override;
    void closeAll() override;
    int connectionCount() const override;

    void deliver(const QString &channelKey, const QByteArray &message);
    // In this endpoint's thread: sessions authenticated for one of these sessions or users
    // check their credential again (WsHub::revalidate).
    void revalidate(const QStringList &sessionIds, const QStringList &userIds);

private:
    struct Pending
    {
        std::function<void()> released;
        QByteArray queryToken;
        QHostAddress peer;          // the client as the stages saw it (for logs)
        QHostAddress socketAddress; // the TCP peer: with socketPort, how the QWebSocket is found
        quint16 socketPort = 0;
        qint64 deadline = 0; // monotonic ms: the handshake (or our refusal) must be over by then
    };

    void onNewConnections();
    void sweep();
    void refuse(QTcpSocket *socket, const RequestContext &ctx, const Error &error,
                bool versionHeader);

    WsHub &m_hub;
    QWebSocketServer *m_server;
    QTimer *m_sweep;
    QHash<QTcpSocket *, Pending> m_pending;
    QSet<WsSession *> m_sessions;
};

} // namespace cr
