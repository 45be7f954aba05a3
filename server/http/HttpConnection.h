#pragma once

#include "http/ConnectionEnv.h"
#include "http/RequestContext.h"
#include "http/RequestParser.h"

#include <QHostAddress>
#include <QObject>

#include <memory>
#include <mutex>
#include <optional>

class QTcpSocket;

namespace cr {

// One client connection, living in its worker's thread. Reads with peek() while a request head
// is incomplete (so an upgrade can hand the untouched handshake to the WebSocket server),
// parses one message at a time, runs the pipeline, and writes responses strictly in request
// order: the next pipelined request is parsed only after the current response is queued, and
// not while the socket's send buffer is above the high-water mark (back-pressure).
class HttpConnection : public QObject
{
    Q_OBJECT
public:
    HttpConnection(QTcpSocket *socket, const ConnectionEnv &env, bool tls, QHostAddress peer,
                   QObject *parent = nullptr);
    ~HttpConnection() override;

    // Called by the worker's sweep: enforces header, idle and TLS handshake timeouts.
    void checkDeadline(qint64 nowMs);
    // Graceful shutdown: idle connections close now, busy ones after their response.
    void drain();
    void abort();
    bool isIdle() const { return m_phase == Phase::Idle; }

Q_SIGNALS:
    void finished(cr::HttpConnection *connection);

private:
    enum class Phase
    {
        TlsHandshake,
        Idle,
        Head,
        Body,
        Dispatched,
        Closing
    };

    void processInput();
    bool feedFrom(const QByteArray &data, qsizetype &pos);
    bool onHead();
    bool onMessage();
    void onReply(quint64 generation, HttpResponse response);
    void send(const HttpResponse &response, bool close);
    void failTransport(const Error &error);
    void startClosing(bool linger = false);
    void halfClose();
    void finishMessage();
    void setDeadline(int fromNowMs);
    void onDisconnected();
    void observeStart();
    void observeFinish(int status, qint64 bytes);

    // What a Reply's sink holds instead of the connection: a Reply may be answered, or dropped,
    // from any thread and after the connection (or the whole server) is gone.
    struct ReplyTarget
    {
        std::mutex mutex;
        HttpConnection *connection = nullptr; // cleared by the destructor
    };

    QTcpSocket *m_socket;
    std::shared_ptr<ReplyTarget> m_replyTarget;
    ConnectionEnv m_env;
    RequestParser m_parser;
    RequestContext m_ctx;
    std::optional<HttpResponse> m_early;
    Phase m_phase = Phase::Idle;
    qint64 m_unskipped = 0; // head bytes fed to the parser but still in the socket buffer
    qint64 m_deadline = 0;
    quint64 m_generation = 0;
    bool m_processing = false;
    bool m_draining = false;
    bool m_handedOff = false;
    bool m_finished = false;
    bool m_tls = false;
    QHostAddress m_peer; // normalised by the listener
    bool m_lingering = false;
    bool m_halfClosed = false;
    bool m_inFlight = false; // counted as started by the observer
    qint64 m_startedNs = 0;  // when the current request's head was complete
};

} // namespace cr
