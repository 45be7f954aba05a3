#include "ws/WsSession.h"

#include "core/Authenticator.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/TimeText.h"
#include "ws/WsChannels.h"
#include "ws/WsHub.h"

#include <QJsonDocument>
#include <QUuid>
#include <QWebSocket>

namespace cr {
namespace {

// How long a closing handshake may take before the client is dropped.
constexpr qint64 kCloseGraceMs = 5000;
// Subscriptions one socket may hold (per-deployment channels count one per deployment).
constexpr int kMaxSubscriptions = 100;

} // namespace

WsSession::WsSession(QWebSocket *socket, WsHub &hub, QHostAddress peer,
                     std::function<void()> released, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_hub(hub)
    , m_peer(std::move(peer))
    , m_released(std::move(released))
{
    m_socket->setParent(this);
    m_hub.sessionOpened();
    m_authDeadline = hub.clock().monotonicMs() + hub.settings().wsAuthTimeoutMs;
    connect(m_socket, &QWebSocket::textMessageReceived, this, &WsSession::onText);
    connect(m_socket, &QWebSocket::binaryMessageReceived, this, [this](const QByteArray &) {
        sendError("VALIDATION_ERROR", QStringLiteral("Only JSON text messages are accepted"));
    });
    connect(m_socket, &QWebSocket::disconnected, this, [this] { Q_EMIT ended(this); });
    sendJson(QStringLiteral("welcome"),
             {{QStringLiteral("authenticated"), false},
              {QStringLiteral("authTimeoutMs"), hub.settings().wsAuthTimeoutMs}});
}

WsSession::~WsSession()
{
    m_socket->disconnect(this);
    m_socket->abort();
    m_hub.sessionClosed();
    if (m_released)
        m_released();
}

void WsSession::send(const QByteArray &message)
{
    if (m_closing)
        return;
    const qint64 limit = m_hub.settings().wsSendQueueBytes;
    if (m_socket->bytesToWrite() + message.size() > limit) {
        // Our own unflushed burst does not count against the client: give the kernel what it
        // takes first, then judge what is left.
        m_socket->flush();
        const qint64 queued = m_socket->bytesToWrite();
        if (queued > 0 && queued + message.size() > limit) {
            // A slow consumer is dropped rather than allowed to grow our memory.
            qCInfo(lcWs) << "dropping a WebSocket client that does not read:" << m_peer.toString();
            abort();
            return;
        }
    }
    m_socket->sendTextMessage(QString::fromUtf8(message));
    m_hub.messageOut();
}

void WsSession::sendJson(const QString &type, QJsonObject fields)
{
    fields.insert(QStringLiteral("type"), type);
    fields.insert(QStringLiteral("timestamp"),
                  QString::fromLatin1(TimeText::iso(m_hub.clock().wallMs())));
    send(QJsonDocument(fields).toJson(QJsonDocument::Compact));
}

void WsSession::sendError(const char *code, const QString &message)
{
    sendJson(QStringLiteral("error"), {{QStringLiteral("code"), QString::fromLatin1(code)},
                                       {QStringLiteral("message"), message}});
}

void WsSession::close(int code, const QString &reason)
{
    if (m_closing)
        return;
    m_closing = true;
    m_closeDeadline = m_hub.clock().monotonicMs() + kCloseGraceMs;
    m_socket->close(QWebSocketProtocol::CloseCode(code), reason);
}

void WsSession::abort()
{
    m_closing = true;
    m_closeDeadline = 0;
    m_socket->abort();
}

void WsSession::checkDeadline(qint64 monotonicMs, qint64 wallMs)
{
    if (m_closing) {
        // The client did not finish the closing handshake (it may not read at all).
        if (m_closeDeadline > 0 && monotonicMs >= m_closeDeadline)
            abort();
        return;
    }
    if (!m_principal.isAuthenticated()) {
        if (monotonicMs >= m_authDeadline)
            close(4001, QStringLiteral("authentication timeout"));
    } else if (m_principal.expiresAtMs > 0 && wallMs >= m_principal.expiresAtMs) {
        close(4001, QStringLiteral("token expired"));
    }
}

void WsSession::authenticate(const QByteArray &credential)
{
    const Authenticator *auth = m_hub.authenticator();
    Result<Principal> principal =
        auth ? auth->authenticate(credential)
             : Result<Principal>(Error::make(ErrorCode::Unauthorized, QString()));
    if (!principal || !principal.value().isAuthenticated()) {
        const bool expired = !principal && principal.error().code == ErrorCode::TokenExpired;
        sendError(expired ? "TOKEN_EXPIRED" : "UNAUTHORIZED",
                  QStringLiteral("Invalid or expired credentials"));
        close(4001, QStringLiteral("unauthorized"));
        return;
    }
    // A second auth (a fresh token on a long-lived socket) must not keep what the new
    // credentials may not see: another user starts over, a lower role loses channels.
    const bool sameUser =
        m_principal.isAuthenticated() && m_principal.userId == principal.value().userId;
    m_principal = principal.value();
    m_credential = credential;
    if (sameUser)
        keepAllowedSubscriptions();
    else
        m_subscriptions.clear();
    sendJson(QStringLiteral("welcome"),
             {{QStringLiteral("authenticated"), true},
              {QStringLiteral("userId"), m_principal.userId},
              {QStringLiteral("role"), QString::fromLatin1(roleName(m_principal.role))}});
}

void WsSession::revalidate()
{
    if (m_closing || !m_principal.isAuthenticated())
        return;
    const Authenticator *auth = m_hub.authenticator();
    Result<Principal> principal =
        auth ? auth->authenticate(m_credential)
             : Result<Principal>(Error::make(ErrorCode::Unauthorized, QString()));
    if (!principal || !principal.value().isAuthenticated() ||
        principal.value().userId != m_principal.userId) {
        m_credential.clear();
        sendError("UNAUTHORIZED", QStringLiteral("The session has been revoked"));
        close(4001, QStringLiteral("session revoked"));
        return;
    }
    m_principal = principal.value();
    keepAllowedSubscriptions();
}

void WsSession::onText(const QString &text)
{
    if (m_closing)
        return;
    m_hub.messageIn();
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toUtf8(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject()) {
        sendError("INVALID_JSON", QStringLiteral("Messages must be JSON objects"));
        return;
    }
    const QJsonObject message = doc.object();
    const QString type = message.value(QStringLiteral("type")).toString();
    if (type == u"ping") {
        QJsonObject pong;
        if (message.contains(QStringLiteral("id")))
            pong.insert(QStringLiteral("id"), message.value(QStringLiteral("id")));
        sendJson(QStringLiteral("pong"), pong);
    } else if (type == u"auth") {
        const QJsonValue token = message.value(QStringLiteral("token"));
        if (!token.isString() || token.toString().isEmpty()) {
            sendError("VALIDATION_ERROR", QStringLiteral("auth needs a token"));
            return;
        }
        authenticate(token.toString().toUtf8());
    } else if (type == u"subscribe" || type == u"unsubscribe") {
        if (!m_principal.isAuthenticated()) {
            sendError("UNAUTHORIZED", QStringLiteral("Authenticate first"));
            return;
        }
        subscribe(message, type == u"subscribe");
    } else {
        sendError("VALIDATION_ERROR", QStringLiteral("Unknown message type"));
    }
}

void WsSession::subscribe(const QJsonObject &message, bool add)
{
    const QString name = message.value(QStringLiteral("channel")).toString();
    const WsChannel *channel = WsChannels::find(name);
    if (!channel) {
        sendError("VALIDATION_ERROR", QStringLiteral("Unknown channel"));
        return;
    }
    QString key = name;
    QString deployment;
    if (channel->perDeployment) {
        deployment = message.value(QStringLiteral("deployment")).toString();
        if (QUuid::fromString(deployment).isNull() || deployment.size() != 36) {
            sendError("VALIDATION_ERROR", QStringLiteral("This channel needs a deployment id"));
            return;
        }
        key += u':' + deployment.toLower();
    }
    if (add && m_principal.role < channel->minRole) {
        sendError("FORBIDDEN", QStringLiteral("Insufficient permissions for this channel"));
        return;
    }
    if (add && !m_subscriptions.contains(key) && m_subscriptions.size() >= kMaxSubscriptions) {
        sendError("VALIDATION_ERROR", QStringLiteral("Too many subscriptions"));
        return;
    }
    QJsonObject reply{{QStringLiteral("channel"), name}};
    if (!deployment.isEmpty())
        reply.insert(QStringLiteral("deployment"), deployment.toLower());
    if (add)
        m_subscriptions.insert(key);
    else
        m_subscriptions.remove(key);
    sendJson(add ? QStringLiteral("subscribed") : QStringLiteral("unsubscribed"), reply);
}

void WsSession::keepAllowedSubscriptions()
{
    for (auto it = m_subscriptions.begin(); it != m_subscriptions.end();) {
        const WsChannel *channel = WsChannels::find(it->section(u':', 0, 0));
        if (!channel || m_principal.role < channel->minRole)
            it = m_subscriptions.erase(it);
        else
            ++it;
    }
}

} // namespace cr
