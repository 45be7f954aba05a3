#include "ws/WsEndpoint.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/RequestContext.h"
#include "http/ResponseWriter.h"
#include "ws/WsHub.h"
#include "ws/WsSession.h"

#include <QTcpSocket>
#include <QTimer>
#include <QUrlQuery>
#include <QWebSocket>
#include <QWebSocketServer>

#include <chrono>
#include <optional>

#include <sys/socket.h>

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
        delete socket; // nobody else owns a socket in mid-handshake
        if (p.released)
            p.released();
    }
}

namespace {

// How long a refused handshake's connection stays open for the client to read the answer.
constexpr qint64 kLingerMs = 2000;
// Qt's handshake parser (QWebSocketHandshakeRequest, Qt 6.4) limits.
constexpr qsizetype kQtMaxHeaderLine = 8 * 1024;
constexpr int kQtMaxHeaderLines = 100;

struct HandshakeProblem
{
    QString message;
    bool version = false; // answer with Sec-WebSocket-Version: 13
};

bool hasToken(const QByteArray &list, const QByteArray &token)
{
    const QList<QByteArray> parts = list.split(',');
    for (const QByteArray &p : parts) {
        if (p.trimmed().toLower() == token)
            return true;
    }
    return false;
}

// The checks QWebSocketServer makes, made first here: Qt closes the socket without an answer
// when a handshake is not to its taste, and a client deserves a 400 instead.
std::optional<HandshakeProblem> checkHandshake(const HttpRequest &r, const QByteArray &buffered)
{
    auto problem = [](const char *text, bool version = false) {
        return HandshakeProblem{QString::fromLatin1(text), version};
    };
    if (r.method != Method::Get)
        return problem("A WebSocket handshake must be a GET request");
    if (r.versionMajor != 1 || r.versionMinor < 1)
        return problem("A WebSocket handshake needs HTTP/1.1");
    for (const char *name : {"upgrade", "connection", "sec-websocket-key"}) {
        if (r.headerCount(name) != 1)
            return problem("A WebSocket handshake needs exactly one Upgrade, Connection and "
                           "Sec-WebSocket-Key header");
    }
    if (r.header("upgrade").trimmed().toLower() != "websocket" ||
        !hasToken(r.header("connection"), "upgrade"))
        return problem("A WebSocket handshake needs Upgrade: websocket and Connection: Upgrade");
    const auto key = QByteArray::fromBase64Encoding(r.header("sec-websocket-key").trimmed(),
                                                    QByteArray::AbortOnBase64DecodingErrors);
    if (!key || key.decoded.size() != 16)
        return problem("Sec-WebSocket-Key must be 16 bytes in base64");
    if (r.headerCount("sec-websocket-version") != 1 ||
        r.header("sec-websocket-version").trimmed() != "13")
        return problem("Only WebSocket version 13 is supported", true);

    // The raw head, as Qt will read it: it looks for CRLF CRLF (and would wait for ever
    // without it) and has its own line length and count limits.
    const qsizetype crlf = buffered.indexOf("\r\n\r\n");
    const qsizetype lf = buffered.indexOf("\n\n");
    if (crlf < 0 || (lf >= 0 && lf < crlf + 2))
        return problem("A WebSocket handshake must use CRLF line endings");
    const QList<QByteArray> lines = buffered.left(crlf).split('\n');
    if (lines.size() - 1 > kQtMaxHeaderLines)
        return problem("Too many header lines for a WebSocket handshake");
    for (const QByteArray &line : lines) {
        if (line.size() > kQtMaxHeaderLine)
            return problem("A header line is too long for a WebSocket handshake");
    }
    return std::nullopt;
}

} // namespace

void WsEndpoint::takeOver(QTcpSocket *socket, const RequestContext &ctx,
                          std::function<void()> released)
{
    Pending p;
    p.released = std::move(released);
    p.peer = ctx.request->peer;
    p.socketAddress = socket->peerAddress();
    p.socketPort = socket->peerPort();
    p.deadline = m_hub.clock().monotonicMs() + m_hub.settings().headerTimeoutMs;
    // ?token= is accepted (CONTRACT §9) and never logged.
    const QUrlQuery query(QString::fromUtf8(ctx.request->query));
    p.queryToken = query.queryItemValue(QStringLiteral("token"), QUrl::FullyDecoded).toUtf8();
    m_pending.insert(socket, std::move(p));
    // Whatever happens next, the socket ends up deleted and its slot released exactly once.
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
    if (socket->state() != QAbstractSocket::ConnectedState) {
        // Gone before we got it: no disconnected() will come.
        socket->deleteLater();
        return;
    }
    if (const auto problem = checkHandshake(*ctx.request, socket->peek(socket->bytesAvailable()))) {
        refuse(socket, ctx, Error::make(ErrorCode::BadRequest, problem->message), problem->version);
        return;
    }
    m_server->handleConnection(socket);
}

void WsEndpoint::refuse(QTcpSocket *socket, const RequestContext &ctx, const Error &error,
                        bool versionHeader)
{
    HttpResponse response = ctx.errorResponse(error);
    if (versionHeader)
        response.addHeader("Sec-WebSocket-Version", "13");
    WriteInfo info;
    info.requestId = ctx.requestId;
    info.corsOrigin = ctx.corsOrigin;
    info.extraHeaders = &ctx.responseHeaders;
    info.headRequest = ctx.request->method == Method::Head;
    info.close = true;
    socket->readAll();
    socket->write(ctx.writer->serialize(response, info));
    if (socket->inherits("QSslSocket")) {
        socket->disconnectFromHost(); // flushes first; disconnected() then frees it
        if (socket->state() == QAbstractSocket::UnconnectedState)
            socket->deleteLater();
        return;
    }
    // Lingering close, as HttpConnection does: closing with unread input makes the kernel send
    // a reset that can destroy the answer in flight. Send it, shut down our side only, discard
    // input until the client closes (disconnected() then frees the socket) or the linger time
    // is over (the sweep drops it).
    const auto it = m_pending.find(socket);
    if (it != m_pending.end())
        it->deadline = qMin(it->deadline, m_hub.clock().monotonicMs() + kLingerMs);
    connect(socket, &QTcpSocket::readyRead, this, [socket] { socket->readAll(); });
    auto halfClose = [socket] {
        if (socket->bytesToWrite() == 0 && socket->socketDescriptor() >= 0)
            ::shutdown(int(socket->socketDescriptor()), SHUT_WR);
    };
    connect(socket, &QTcpSocket::bytesWritten, this, halfClose);
    socket->flush();
    halfClose();
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
            // Address and port: the port alone can repeat across clients.
            if (it->socketPort == ws->peerPort() && it->socketAddress == ws->peerAddress()) {
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
        if (ws->state() != QAbstractSocket::ConnectedState) {
            // The client left while the handshake was queued: its disconnected() has come
            // and gone, so nothing else would ever end this session (and free its slot).
            m_sessions.remove(session);
            session->deleteLater();
            continue;
        }
        if (!meta.queryToken.isEmpty())
            session->authenticate(meta.queryToken);
    }
}

void WsEndpoint::closeAll()
{
    // The first call starts the closing handshake; a later one (the shutdown deadline has
    // passed) drops the clients that have not finished it, e.g. one that stopped reading.
    for (WsSession *s : m_sessions.values()) {
        if (s->isClosing())
            s->abort();
        else
            s->close(1001, QStringLiteral("server shutting down"));
    }
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

void WsEndpoint::revalidate(const QStringList &sessionIds, const QStringList &userIds)
{
    for (WsSession *s : m_sessions.values()) {
        const Principal &p = s->principal();
        if (!p.isAuthenticated() || s->isClosing())
            continue;
        if ((!p.sessionId.isEmpty() && sessionIds.contains(p.sessionId)) ||
            userIds.contains(p.userId))
            s->revalidate();
    }
}

void WsEndpoint::sweep()
{
    const qint64 mono = m_hub.clock().monotonicMs();
    const qint64 wall = m_hub.clock().wallMs();
    for (WsSession *s : m_sessions.values())
        s->checkDeadline(mono, wall);
    // A handshake that never completes, or a refusal the client does not read, is dropped.
    QList<QTcpSocket *> late;
    for (auto it = m_pending.cbegin(); it != m_pending.cend(); ++it) {
        if (mono >= it->deadline)
            late.append(it.key());
    }
    for (QTcpSocket *socket : late) {
        socket->abort();
        socket->deleteLater();
    }
}

} // namespace cr
