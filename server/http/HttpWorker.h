#pragma once

#include "http/ConnectionEnv.h"
#include "http/UpgradeHandler.h"

#include <QHash>
#include <QHostAddress>
#include <QObject>
#include <QSet>
#include <QSslConfiguration>

#include <functional>
#include <memory>
#include <optional>

class QTcpSocket;
class QTimer;

namespace cr {

class HttpConnection;

using UpgradeHandlerFactory = std::function<std::unique_ptr<UpgradeHandler>()>;

// One worker thread's share of the server: its connections, its deadline sweep and its
// WebSocket endpoint. Every method runs in the worker's own thread (the server invokes them
// queued).
class HttpWorker : public QObject
{
    Q_OBJECT
public:
    HttpWorker(int index, const ConnectionEnv &env, UpgradeHandlerFactory upgrades,
               std::optional<QSslConfiguration> tls);
    ~HttpWorker() override;

    void init();
    void accept(qintptr descriptor, const QHostAddress &peer);
    // Over the connection limit: answer 503 and close gently (lingering, bounded in number and
    // time), so the client reads the 503 instead of a reset.
    void refuse(qintptr descriptor);
    void drain(qint64 deadlineMs);
    void stopNow();
    int connectionCount() const;

Q_SIGNALS:
    void drained(int index);

private:
    void sweep();
    void remove(HttpConnection *connection);
    void checkDrained();

    int m_index;
    ConnectionEnv m_env;
    UpgradeHandlerFactory m_upgradeFactory;
    std::unique_ptr<UpgradeHandler> m_upgrades;
    std::optional<QSslConfiguration> m_tls;
    QSet<HttpConnection *> m_connections;
    QHash<QTcpSocket *, qint64> m_refused; // socket → deadline (monotonic ms)
    QTimer *m_sweep = nullptr;
    bool m_draining = false;
    bool m_drainedSent = false;
    qint64 m_drainDeadline = 0;
};

} // namespace cr
