#pragma once

#include "core/Result.h"
#include "http/HttpWorker.h"

#include <QHostAddress>
#include <QObject>

#include <atomic>
#include <memory>
#include <vector>

class QThread;

namespace cr {

class Clock;
class Listener;
class RequestObserver;
class RequestPipeline;
class ResponseWriter;
struct Settings;

// The HTTP/1.1 + WebSocket server: a listener thread that accepts and a pool of worker
// threads, each with its own event loop, that own the connections. start() and the methods
// here are called from the owner's thread.
class HttpServer : public QObject
{
    Q_OBJECT
public:
    HttpServer(const Settings &settings, const Clock &clock, const RequestPipeline &pipeline,
               const ResponseWriter &writer, UpgradeHandlerFactory upgrades,
               QObject *parent = nullptr);
    ~HttpServer() override;

    // Before start(): told about every answered request (metrics). Must outlive the server.
    void setObserver(RequestObserver *observer) { m_observer = observer; }

    Status start();
    // Graceful: stop accepting, let in-flight requests finish until shutdownTimeoutMs, close
    // WebSockets with 1001; emits stopped() when done.
    void shutdown();
    bool isRunning() const { return m_running; }
    bool isDraining() const { return m_draining; }

    QHostAddress address() const { return m_address; }
    quint16 port() const { return m_port; }
    QString url() const;
    int openConnections() const { return m_open.load(); }
    int workerCount() const { return int(m_workers.size()); }

Q_SIGNALS:
    void stopped();

private:
    void onWorkerDrained();
    void stopThreads();

    const Settings &m_settings;
    const Clock &m_clock;
    const RequestPipeline &m_pipeline;
    const ResponseWriter &m_writer;
    UpgradeHandlerFactory m_upgrades;
    RequestObserver *m_observer = nullptr;
    std::atomic<int> m_open{0};
    std::atomic<unsigned> m_next{0};
    QThread *m_listenerThread = nullptr;
    Listener *m_listener = nullptr;
    std::vector<QThread *> m_threads;
    std::vector<HttpWorker *> m_workers;
    QHostAddress m_address;
    quint16 m_port = 0;
    int m_drainedWorkers = 0;
    bool m_running = false;
    bool m_draining = false;
};

} // namespace cr
