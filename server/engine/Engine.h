#pragma once

#include "core/Result.h"
#include "core/Settings.h"

#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace cr {

class Authenticator;
class Db;
class Clock;
class HealthMonitor;
class HttpServer;
class Identity;
class KeyWrapper;
class RequestPipeline;
class ResponseWriter;
class Router;
class StoragePool;
class WsHub;
struct HealthSnapshot;

// The engine's object graph: settings, clock, the database (migrated at start, then a storage
// pool), the identity module, routes and controllers, pipeline, HTTP server with its WebSocket
// hub, and the background thread (health checks). Both executables build one; nothing here
// touches widgets.
class Engine : public QObject
{
    Q_OBJECT
public:
    explicit Engine(Settings settings, std::shared_ptr<Clock> clock = nullptr,
                    QObject *parent = nullptr);
    ~Engine() override;

    // Before start(): who verifies bearer credentials instead of the identity module's
    // TokenAuthenticator (tests).
    void setAuthenticator(std::shared_ptr<const Authenticator> authenticator);

    // Before start(): what wraps the token signing keys for storage. Unset (the normal case),
    // the engine loads the master key itself from the configured secret store at start
    // (docs/SECRETS.md) and refuses to start when an expected key is missing.
    void setKeyWrapper(std::shared_ptr<const KeyWrapper> wrapper);

    // Before start(): more routes (tests, embedding applications). Registered before /api.
    void setExtraRoutes(std::function<void(Router &)> registerRoutes);

    // Refuses to start (with a message saying why) when the database configuration is wrong,
    // the database cannot be opened or migrated, or the identity state cannot be loaded.
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
    // While running: the identity module (accounts, sessions, API keys) and the storage pool.
    Identity *identity() const { return m_identity.get(); }
    StoragePool *storage() const { return m_pool.get(); }
    int schemaVersion() const { return m_schemaVersion; }

Q_SIGNALS:
    void healthUpdated();
    void stopped();

private:
    Status startStorage();
    Status loadMasterKey(Db &db);
    void stopStorage();
    void stopBackground();
    void registerRoutes();

    Settings m_settings;
    std::shared_ptr<Clock> m_clock;
    std::shared_ptr<const Authenticator> m_authenticator;
    std::shared_ptr<const KeyWrapper> m_keyWrapper;
    std::unique_ptr<StoragePool> m_pool;
    std::unique_ptr<Identity> m_identity;
    int m_schemaVersion = 0;
    QString m_databaseBackend;
    QString m_databaseUrl; // redacted
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
