#pragma once

#include "core/Result.h"
#include "core/Settings.h"
#include "secrets/MasterKeyBootstrap.h"

#include <QJsonObject>
#include <QObject>

#include <functional>
#include <memory>

class QThread;

namespace cr {

class AlertEngine;
class AlertFeed;
class Authenticator;
class CircuitBreakers;
class Clock;
class HealthMonitor;
class HttpServer;
class Identity;
class KeyWrapper;
class Metrics;
class MetricsCollector;
class RequestRecorder;
class TelemetryService;
class RateLimiter;
class RequestPipeline;
class IdentityHost;
class SandboxProbe;
class ResponseWriter;
class Router;
class StoragePool;
class WsHub;
struct HealthSnapshot;

// The engine's object graph: settings, clock, the database and the identity module
// (IdentityHost), routes and controllers, pipeline, HTTP server with its WebSocket
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

    // Before start(): how the master key is loaded when no key wrapper is set. `autoKind` is
    // what secretStore "auto" means. The default (coderunner-server): the key file, read before
    // listening, and a missing key stops the start. afterListening (the console, keychain): the
    // server listens first and loads the key in the background; until it is there, identity
    // routes and bearer credentials answer 503 DEPENDENCY_UNAVAILABLE with Retry-After
    // (IdentityGate), then identityReady() is emitted — or identityUnavailable(why).
    void setMasterKeyLoading(SecretStoreKind autoKind, bool afterListening);
    // Before start(): where secret stores come from (tests inject a store that answers late).
    void setSecretStoreFactory(MasterKeyBootstrap::StoreFactory factory);
    // Whether accounts and tokens work (the master key and the signing keys are loaded).
    bool isIdentityReady() const;

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
    Identity *identity() const;
    StoragePool *storage() const;
    int schemaVersion() const;

    // The circuit breakers by dependency ("database"), from construction on: read their
    // states, subscribe to transitions (CircuitBreakers::addListener) (docs/OBSERVABILITY.md).
    CircuitBreakers *breakers() const { return m_breakers.get(); }
    // The alert rules and their state (null until start()): evaluated in the background thread
    // after every health round and telemetry tick (AlertFeed).
    AlertEngine *alerts() const { return m_alerts.get(); }

    // Traffic protection (null until start()): tests and the admin API read and change it.
    RateLimiter *rateLimiter() const { return m_limiter.get(); }

    // The metrics registry (docs/OBSERVABILITY.md), from construction on: where the rate
    // limiter, the login path and the database record what they do (Metrics::rateLimitHit,
    // login, dbQuery, setDbUp) and where breaker, alert and top-limited providers are set.
    Metrics *metrics() const { return m_metrics.get(); }
    // The live telemetry (null until start()); lives in the background thread.
    TelemetryService *telemetry() const { return m_telemetry; }

Q_SIGNALS:
    void healthUpdated();
    void stopped();
    // In the engine's thread, once per start: identity works / will not work (the reason).
    void identityReady();
    void identityUnavailable(const QString &reason);
    // The 1 Hz telemetry snapshot (the WebSocket "metrics" message without type/channel).
    void telemetryUpdated(const QJsonObject &snapshot);

private:
    void stopBackground();
    void registerRoutes();
    void publishRateLimits();
    void startAlerts(); // in the engine's thread, after the health monitor and telemetry exist
    void startTelemetry();

    Settings m_settings;
    std::shared_ptr<Clock> m_clock;
    std::shared_ptr<const Authenticator> m_authenticator;
    std::function<void(Router &)> m_extraRoutes;
    std::unique_ptr<Router> m_router;
    std::unique_ptr<ResponseWriter> m_writer;
    std::unique_ptr<RequestPipeline> m_pipeline;
    std::unique_ptr<WsHub> m_hub;
    std::unique_ptr<SandboxProbe> m_sandbox; // detected once, in the background
    std::shared_ptr<const Authenticator> m_gatedAuthenticator;
    std::unique_ptr<RateLimiter> m_limiter;
    quint64 m_publishedHits = 0;
    std::shared_ptr<Metrics> m_metrics;
    std::unique_ptr<CircuitBreakers> m_breakers; // after m_metrics, which reads it
    std::unique_ptr<IdentityHost> m_host;        // the database, the master key, the identity
    std::unique_ptr<AlertEngine> m_alerts;
    std::unique_ptr<AlertFeed> m_alertFeed;
    std::shared_ptr<MetricsCollector> m_collector;
    std::unique_ptr<RequestRecorder> m_recorder;
    TelemetryService *m_telemetry = nullptr; // in m_background
    std::unique_ptr<HttpServer> m_server;
    QThread *m_background = nullptr;
    HealthMonitor *m_health = nullptr;
    qint64 m_startedMs = 0;
};

} // namespace cr
