#pragma once

#include "core/Result.h"
#include "core/Settings.h"

#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace cr {

class Authenticator;
class Clock;
class HealthMonitor;
class HttpServer;
class RequestPipeline;
class ResponseWriter;
class Router;
class WsHub;
struct HealthSnapshot;

// The engine's object graph: settings, clock, routes and controllers, pipeline, HTTP server
// with its WebSocket hub, and the background thread (health checks). Both executables build
// one; nothing here touches widgets.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(Settings settings, std::shared_ptr<Clock> clock = nullptr,
                    QObject *parent = nullptr);
    ~Engine() override;

    // Before start(): who verifies bearer credentials (the identity module).
    void setAuthenticator(std::shared_ptr<const Authenticator> authenticator);

    // Before start(): more routes (tests, embedding applications). Registered before /api.
    void setExtraRoutes(std::function<void(Router &)> registerRoutes);

    Status start();
    void shutdown(); // graceful; emits stopped()
    bool isRunning() const;

    const Settings &settings() const { return m_settings; }
    const Clock &clock() const { return *m_clock; }
    QString url() const;
    quint16 port() const;
    QString databasePath() const;
    std::shared_ptr<const HealthSnapshot> health() const;
    int webSocketConnections() const;
    WsHub *hub() const { return m_hub.get(); }
    const RequestPipeline *pipeline() const { return m_pipeline.get(); }
    qint64 startedMs() const { return m_startedMs; }

Q_SIGNALS:
    void healthUpdated();
    void stopped();

private:
    void stopBackground();

    Settings m_settings;
    std::shared_ptr<Clock> m_clock;
    std::shared_ptr<const Authenticator> m_authenticator;
    std::function<void(Router &)> m_extraRoutes;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<ResponseWriter> m_writer;
    std::unique_ptr<RequestPipeline> m_pipeline;
    std::unique_ptr<WsHub> m_hub;
    std::unique_ptr<HttpServer> m_server;
    QThread *m_background = nullptr;
    HealthMonitor *m_health = nullptr;
    qint64 m_startedMs = 0;
};

} // namespace cr
