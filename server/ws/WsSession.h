#pragma once

#include "core/Principal.h"

#include <QHostAddress>
#include <QJsonObject>
#include <QObject>
#include <QSet>

#include <functional>

class QWebSocket;

namespace cr {

class WsHub;

// One WebSocket client: the in-band auth handshake, ping/pong, subscriptions, a bounded send
// queue (a client that does not read is dropped) and its deadlines (unauthenticated timeout,
// token expiry; both close with 4001).
class WsSession : public QObject
{
    Q_OBJECT
public:
    WsSession(QWebSocket *socket, WsHub &hub, QHostAddress peer, std::function<void()> released,
              QObject *parent = nullptr);
    ~WsSession() override;

    void authenticate(const QByteArray &credential);
    // Checks the credential the socket authenticated with again (its session or user had
    // credentials revoked): refused now → an error message and close 4001; still valid → the
    // principal is refreshed (an API key's role may have dropped) and subscriptions the new
    // role may not hold are dropped.
    void revalidate();
    const Principal &principal() const { return m_principal; }
    bool isSubscribed(const QString &channelKey) const
    {
        return m_subscriptions.contains(channelKey);
    }
    void send(const QByteArray &message);
    void sendJson(const QString &type, QJsonObject fields);
    void checkDeadline(qint64 monotonicMs, qint64 wallMs);
    void close(int code, const QString &reason);
    bool isClosing() const { return m_closing; }
    void abort();

Q_SIGNALS:
    void ended(cr::WsSession *session);

private:
    void onText(const QString &text);
    void sendError(const char *code, const QString &message);
    void subscribe(const QJsonObject &message, bool add);
    void keepAllowedSubscriptions();

    QWebSocket *m_socket;
    WsHub &m_hub;
    QHostAddress m_peer;
    std::function<void()> m_released;
    Principal m_principal;
    QByteArray m_credential; // what authenticated this socket (never logged)
    qint64 m_authDeadline = 0;
    qint64 m_closeDeadline = 0; // after close(): a client that does not answer is dropped
    QSet<QString> m_subscriptions;
    bool m_closing = false;
};

} // namespace cr
