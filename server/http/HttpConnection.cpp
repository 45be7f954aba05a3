#include "http/HttpConnection.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/Reply.h"
#include "http/RequestIds.h"
#include "http/RequestObserver.h"
#include "http/RequestPipeline.h"
#include "http/ResponseWriter.h"
#include "http/UpgradeHandler.h"

#include <QSslSocket>
#include <QTcpSocket>
#include <QThread>

#include <sys/socket.h>

namespace cr {
namespace {

constexpr qint64 kReadChunk = 64 * 1024;
constexpr int kLingerMs = 2000;
constexpr qint64 kWriteHighWater = 256 * 1024;

RequestParser::Limits limitsFrom(const Settings &s)
{
    return RequestParser::Limits{s.maxUriBytes, s.maxHeaderBytes, s.maxHeaderCount};
}

} // namespace

HttpConnection::HttpConnection(QTcpSocket *socket, const ConnectionEnv &env, bool tls,
                               QHostAddress peer, QObject *parent)
    : QObject(parent)
    , m_socket(socket)
    , m_replyTarget(std::make_shared<ReplyTarget>())
    , m_env(env)
    , m_parser(limitsFrom(*env.settings))
{
    m_peer = std::move(peer);
    m_replyTarget->connection = this;
    m_socket->setParent(this);
    connect(m_socket, &QTcpSocket::readyRead, this, &HttpConnection::processInput);
    connect(m_socket, &QTcpSocket::bytesWritten, this, [this] {
        if (m_phase == Phase::Closing) {
            if (m_lingering && m_socket->bytesToWrite() == 0)
                halfClose();
            return;
        }
        if (m_socket->bytesToWrite() < kWriteHighWater / 2)
            processInput();
    });
    connect(m_socket, &QTcpSocket::disconnected, this, &HttpConnection::onDisconnected);
    connect(m_socket, &QAbstractSocket::errorOccurred, this, [this](QAbstractSocket::SocketError) {
        if (m_socket->state() != QAbstractSocket::ConnectedState)
            onDisconnected();
    });
    if (tls) {
        m_tls = true;
        auto *ssl = static_cast<QSslSocket *>(m_socket);
        m_phase = Phase::TlsHandshake;
        setDeadline(env.settings->tlsHandshakeTimeoutMs);
        connect(ssl, &QSslSocket::encrypted, this, [this] {
            m_phase = Phase::Idle;
            setDeadline(m_env.settings->headerTimeoutMs);
            processInput();
        });
        connect(ssl, &QSslSocket::sslErrors, this, [this](const QList<QSslError> &) { abort(); });
        ssl->startServerEncryption();
    } else {
        setDeadline(env.settings->headerTimeoutMs); // the first request must come soon
    }
}

HttpConnection::~HttpConnection()
{
    {
        std::lock_guard<std::mutex> lock(m_replyTarget->mutex);
        m_replyTarget->connection = nullptr;
    }
    if (!m_handedOff && m_env.openConnections)
        m_env.openConnections->fetch_sub(1);
    if (m_inFlight)
        observeFinish(0, 0); // the client left before its answer
}

void HttpConnection::setDeadline(int fromNowMs)
{
    m_deadline = m_env.clock->monotonicMs() + fromNowMs;
}

void HttpConnection::processInput()
{
    if (m_phase == Phase::Closing && m_socket) {
        m_socket->skip(m_socket->bytesAvailable()); // lingering: input is discarded
        return;
    }
    if (m_processing)
        return;
    m_processing = true;
    while (m_phase == Phase::Idle || m_phase == Phase::Head || m_phase == Phase::Body) {
        if (m_socket->bytesToWrite() > kWriteHighWater)
            break; // resumed from bytesWritten
        const qint64 available = m_socket->bytesAvailable();
        if (available <= m_unskipped)
            break;
        const QByteArray data = m_socket->peek(qMin(available, m_unskipped + kReadChunk));
        qsizetype pos = m_unskipped;
        if (!feedFrom(data, pos))
            break;
    }
    m_processing = false;
}

// Feeds data[pos..] to the parser. Returns false when input processing has to stop (an async
// response is pending, the socket was handed over or is closing).
bool HttpConnection::feedFrom(const QByteArray &data, qsizetype &pos)
{
    while (pos < data.size()) {
        if (m_phase == Phase::Idle) {
            if (m_socket->bytesToWrite() > kWriteHighWater)
                return false; // back-pressure: resumed from bytesWritten
            m_phase = Phase::Head;
            setDeadline(m_env.settings->headerTimeoutMs);
        }
        const bool inHead = m_parser.inHead();
        RequestParser::Event event;
        const qsizetype n = m_parser.feed(data.constData() + pos, data.size() - pos, event);
        pos += n;
        if (inHead) {
            m_unskipped += n;
        } else {
            m_socket->skip(n);
            setDeadline(m_env.settings->idleTimeoutMs); // progress on the body
        }
        switch (event) {
        case RequestParser::Event::NeedMore:
            break;
        case RequestParser::Event::Failed:
            failTransport(m_parser.error());
            return false;
        case RequestParser::Event::HeadComplete:
            if (!onHead())
                return false;
            break;
        case RequestParser::Event::MessageComplete:
            if (!onMessage())
                return false;
            break;
        }
    }
    return true;
}

bool HttpConnection::onHead()
{
    HttpRequest &request = m_parser.request();
    request.peer = m_peer;
    request.peerPort = m_socket->peerPort();
    request.secure = m_tls && static_cast<QSslSocket *>(m_socket)->isEncrypted();
    observeStart();
    m_env.pipeline->begin(m_ctx, request);
    std::optional<HttpResponse> early = m_env.pipeline->runHead(m_ctx);

    if (!early && m_ctx.webSocketUpgrade) {
        if (!m_env.upgrades || m_draining) {
            early = m_ctx.errorResponse(Error::make(ErrorCode::DependencyUnavailable,
                                                    QStringLiteral("WebSocket is not available")));
        } else {
            // The handshake is still unread in the socket: hand it over untouched.
            m_handedOff = true;
            m_phase = Phase::Closing;
            observeFinish(101, 0);
            disconnect(m_socket, nullptr, this, nullptr);
            m_socket->setParent(nullptr);
            std::atomic<int> *open = m_env.openConnections;
            m_env.upgrades->takeOver(m_socket, m_ctx, [open] {
                if (open)
                    open->fetch_sub(1);
            });
            m_socket = nullptr;
            m_finished = true;
            Q_EMIT finished(this);
            return false;
        }
    }

    // The head is settled: its bytes can leave the socket buffer.
    m_socket->skip(m_unskipped);
    m_unskipped = 0;
    m_phase = Phase::Body;
    setDeadline(m_env.settings->idleTimeoutMs);

    if (early) {
        if (m_parser.hasBody() || m_ctx.webSocketUpgrade || request.upgrade) {
            send(*early, true); // the body is not read: the connection cannot be reused
            return false;
        }
        m_early = std::move(early);
        return true;
    }
    m_parser.setBodyLimit(m_ctx.maxBodyBytes);
    if (m_parser.hasBody() && request.header("expect").toLower() == "100-continue")
        m_socket->write(QByteArrayLiteral("HTTP/1.1 100 Continue\r\n\r\n"));
    return true;
}

bool HttpConnection::onMessage()
{
    m_phase = Phase::Dispatched;
    const quint64 generation = ++m_generation;
    if (m_early) {
        HttpResponse response = std::move(*m_early);
        m_early.reset();
        onReply(generation, std::move(response));
    } else if (std::optional<HttpResponse> early = m_env.pipeline->runBody(m_ctx)) {
        onReply(generation, std::move(*early));
    } else {
        // The sink may run in any thread, at any time, also after this connection and its
        // worker are deleted (a Reply dropped late answers with a 500 from its destructor). It
        // reaches the connection only through m_replyTarget, whose pointer the destructor
        // clears under the same lock; a queued call has the connection as its context, so it is
        // discarded if the connection is deleted before it runs.
        std::shared_ptr<ReplyTarget> target = m_replyTarget;
        auto sink = [target, generation](HttpResponse response) {
            std::unique_lock<std::mutex> lock(target->mutex);
            HttpConnection *connection = target->connection;
            if (!connection)
                return;
            if (QThread::currentThread() == connection->thread()) {
                // Only this thread deletes the connection: it stays valid without the lock,
                // which must not be held here (the reply may resume pipelined requests).
                lock.unlock();
                connection->onReply(generation, std::move(response));
                return;
            }
            QMetaObject::invokeMethod(
                connection,
                [connection, generation, response = std::move(response)]() mutable {
                    connection->onReply(generation, std::move(response));
                },
                Qt::QueuedConnection);
        };
        m_env.pipeline->dispatch(m_ctx, Reply(std::move(sink), m_env.writer, m_ctx.requestId));
    }
    return m_phase == Phase::Idle;
}

void HttpConnection::onReply(quint64 generation, HttpResponse response)
{
    if (generation != m_generation || m_phase != Phase::Dispatched || !m_socket)
        return;
    if (response.status == Reply::kDropped)
        response = Reply::droppedResponse(*m_env.writer, m_ctx.requestId);
    const HttpRequest &request = m_parser.request();
    const bool close = !request.keepAlive || request.upgrade || m_draining || response.close;
    send(response, close);
    if (m_phase == Phase::Closing)
        return;
    finishMessage();
    processInput(); // resumes pipelined requests when the answer came later
}

void HttpConnection::finishMessage()
{
    m_parser.reset();
    m_phase = Phase::Idle;
    setDeadline(m_env.settings->idleTimeoutMs);
}

void HttpConnection::send(const HttpResponse &response, bool close)
{
    const HttpRequest &request = m_parser.request();
    if (m_ctx.requestId.isEmpty())
        m_ctx.requestId = RequestIds::next();
    WriteInfo info;
    info.requestId = m_ctx.requestId;
    info.corsOrigin = m_ctx.corsOrigin;
    info.extraHeaders = &m_ctx.responseHeaders;
    info.headRequest = request.method == Method::Head;
    info.close = close;
    info.http10KeepAlive = !close && request.versionMinor == 0;
    const QByteArray bytes = m_env.writer->serialize(response, info);
    // Counted before the client can see the answer, so a scrape it sends next includes it.
    if (m_env.observer)
        observeFinish(response.status, bytes.size());
    m_socket->write(bytes);
    m_socket->flush(); // write now, not on the next event-loop pass
    if (lcAccess().isInfoEnabled()) {
        const qint64 ms = m_env.clock->monotonicMs() - m_ctx.startedMs;
        qCInfo(lcAccess).noquote()
            << request.peer.toString() << QString::fromLatin1(request.methodText)
            << QString::fromUtf8(request.path) << response.status << response.body.size()
            << QStringLiteral("%1ms").arg(m_ctx.startedMs ? ms : 0)
            << QString::fromLatin1(m_ctx.requestId);
    }
    if (close)
        startClosing(true);
}

void HttpConnection::observeStart()
{
    if (!m_env.observer)
        return;
    if (m_inFlight) // a request that was never answered (cannot happen; keeps the gauge honest)
        observeFinish(0, 0);
    m_inFlight = true;
    m_startedNs = m_env.clock->monotonicNs();
    m_env.observer->requestStarted();
}

// A response that had no request head (a malformed or timed-out request) counts as started
// and finished at once, without a route.
void HttpConnection::observeFinish(int status, qint64 bytes)
{
    if (!m_env.observer)
        return;
    RequestRecord record;
    record.status = status;
    record.responseBytes = bytes;
    const qint64 now = m_env.clock->monotonicNs();
    if (m_inFlight) {
        record.method = m_parser.request().method;
        record.route = m_ctx.route;
        record.durationNs = now - m_startedNs;
    } else {
        m_env.observer->requestStarted();
    }
    m_inFlight = false;
    m_env.observer->requestFinished(record);
}

void HttpConnection::failTransport(const Error &error)
{
    // Nothing a stage decided applies to a request that could not be read.
    m_ctx.corsOrigin.clear();
    m_ctx.responseHeaders.clear();
    m_ctx.requestId = RequestIds::next();
    send(m_env.writer->error(error, m_ctx.requestId), true);
}

void HttpConnection::startClosing(bool linger)
{
    m_phase = Phase::Closing;
    if (!linger || m_tls) {
        setDeadline(m_env.settings->idleTimeoutMs);
        m_socket->disconnectFromHost(); // flushes what is queued first
        return;
    }
    // Lingering close: closing with unread input makes the kernel send a reset, which can
    // destroy the response still in flight (a 413 or 400 the client never sees). So send what
    // is queued, shut down our side only, and discard input until the peer closes or the
    // linger time is over.
    m_lingering = true;
    setDeadline(qMin(m_env.settings->idleTimeoutMs, kLingerMs));
    if (m_socket->bytesToWrite() == 0)
        halfClose();
}

void HttpConnection::halfClose()
{
    if (m_halfClosed)
        return;
    m_halfClosed = true;
    m_socket->flush();
    ::shutdown(int(m_socket->socketDescriptor()), SHUT_WR);
}

void HttpConnection::checkDeadline(qint64 nowMs)
{
    if (m_phase == Phase::Dispatched || nowMs < m_deadline || m_finished)
        return;
    switch (m_phase) {
    case Phase::Head:
    case Phase::Body:
        failTransport(Error::make(ErrorCode::RequestTimeout,
                                  QStringLiteral("The request was not received in time")));
        break;
    case Phase::Idle:
        startClosing();
        break;
    case Phase::TlsHandshake:
    case Phase::Closing:
        abort();
        break;
    case Phase::Dispatched:
        break;
    }
}

void HttpConnection::drain()
{
    m_draining = true;
    if (m_phase == Phase::Idle)
        startClosing();
}

void HttpConnection::abort()
{
    if (m_socket)
        m_socket->abort();
    onDisconnected();
}

void HttpConnection::onDisconnected()
{
    if (m_finished)
        return;
    m_finished = true;
    m_phase = Phase::Closing;
    Q_EMIT finished(this);
}

} // namespace cr
