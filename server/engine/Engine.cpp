#include "engine/Engine.h"

#include "api/AdminController.h"
#include "api/AlertsController.h"
#include "api/ApiInfoController.h"
#include "api/AuthController.h"
#include "api/HealthController.h"
#include "api/MetricsController.h"
#include "api/RateLimitController.h"
#include "api/TelemetryController.h"
#include "core/Authenticator.h"
#include "core/CircuitBreakers.h"
#include "core/Clock.h"
#include "core/KeyWrapper.h"
#include "core/Logging.h"
#include "engine/AlertFeed.h"
#include "engine/HealthChecks.h"
#include "engine/IdentityGate.h"
#include "engine/IdentityHost.h"
#include "engine/StorageBootstrap.h"
#include "exec/SandboxProbe.h"
#include "http/HttpServer.h"
#include "http/RequestPipeline.h"
#include "http/ResponseWriter.h"
#include "http/Router.h"
#include "identity/Identity.h"
#include "protect/RateLimiter.h"
#include "secrets/MasterKeyBootstrap.h"
#include "store/Migrator.h"
#include "store/StoragePool.h"
#include "telemetry/AlertEngine.h"
#include "telemetry/HealthMonitor.h"
#include "telemetry/Metrics.h"
#include "telemetry/MetricsCollector.h"
#include "telemetry/RequestRecorder.h"
#include "telemetry/TelemetryService.h"
#include "ws/WsHub.h"

#include <QJsonArray>
#include <QThread>
#include <QTimer>

namespace cr {

Engine::Engine(Settings settings, std::shared_ptr<Clock> clock, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_clock(clock ? std::move(clock) : std::make_shared<SystemClock>())
    , m_metrics(std::make_shared<Metrics>(*m_clock, QStringLiteral(CODERUNNER_VERSION)))
    , m_breakers(std::make_unique<CircuitBreakers>(*m_clock))
    , m_host(std::make_unique<IdentityHost>(m_settings, *m_clock, m_metrics, *m_breakers))
{
    connect(m_host.get(), &IdentityHost::ready, this, &Engine::identityReady);
    connect(m_host.get(), &IdentityHost::unavailable, this, &Engine::identityUnavailable);
    CircuitBreakers *breakers = m_breakers.get();
    m_metrics->setBreakerProvider([breakers] {
        QList<DependencyState> out;
        for (const auto &b : breakers->all())
            out.append({b->dependency(), int(b->state())});
        return out;
    });
}

Engine::~Engine()
{
    m_server.reset();
    stopBackground();
    m_host->stop();
}

void Engine::setExtraRoutes(std::function<void(Router &)> registerRoutes)
{
    m_extraRoutes = std::move(registerRoutes);
}

void Engine::setAuthenticator(std::shared_ptr<const Authenticator> authenticator)
{
    m_authenticator = std::move(authenticator);
}

void Engine::setKeyWrapper(std::shared_ptr<const KeyWrapper> wrapper)
{
    m_host->setKeyWrapper(std::move(wrapper));
}

void Engine::setMasterKeyLoading(SecretStoreKind autoKind, bool afterListening)
{
    m_host->setMasterKeyLoading(autoKind, afterListening);
}

void Engine::setSecretStoreFactory(MasterKeyBootstrap::StoreFactory factory)
{
    m_host->setSecretStoreFactory(std::move(factory));
}

bool Engine::isIdentityReady() const
{
    return m_host->isReady();
}

Identity *Engine::identity() const
{
    return m_host->identity();
}

StoragePool *Engine::storage() const
{
    return m_host->pool();
}

int Engine::schemaVersion() const
{
    return m_host->schemaVersion();
}

QString Engine::databasePath() const
{
    return m_settings.effectiveDataDir() + QStringLiteral("/coderunner.db");
}

Status Engine::start()
{
    if (m_server && m_server->isRunning())
        return {};
    Result<std::unique_ptr<RateLimiter>> limiter = RateLimiter::create(m_settings, *m_clock);
    if (!limiter)
        return limiter.error();
    m_limiter = std::move(limiter.value());
    m_limiter->setHitObserver([metrics = m_metrics](PolicyId policy) {
        metrics->rateLimitHit(QString::fromLatin1(policyName(policy)));
    });
    Result<QList<AlertRule>> alertRules = AlertRule::load(m_settings);
    if (!alertRules)
        return alertRules.error();
    m_alerts = std::make_unique<AlertEngine>(*m_clock, std::move(alertRules).value(),
                                             m_settings.alertHistorySize);
    const QString dataDir = m_settings.effectiveDataDir();
    if (Status st = StorageBootstrap::prepareDataDir(m_settings); !st)
        return st;
    m_startedMs = m_clock->monotonicMs();
    if (Status st = m_host->start(); !st) {
        m_host->stop();
        return st;
    }
    const Authenticator *authenticator =
        m_authenticator ? m_authenticator.get() : identity()->authenticator().get();
    if (!m_host->gate().isOpen()) { // credentials wait for the master key (setMasterKeyLoading)
        m_gatedAuthenticator = m_host->gate().wrap(authenticator);
        authenticator = m_gatedAuthenticator.get();
    }

    m_router = std::make_unique<Router>();
    m_writer = std::make_unique<ResponseWriter>(m_settings, *m_clock);
    m_hub = std::make_unique<WsHub>(m_settings, *m_clock, authenticator);
    // Revocations close the WebSockets of the revoked sessions (CONTRACT §9).
    identity()->setRevocationListener(
        [hub = m_hub.get()](const QStringList &sessionIds, const QStringList &userIds) {
            hub->revalidate(sessionIds, userIds);
        });

    m_background = new QThread;
    m_background->setObjectName(QStringLiteral("cr-background"));
    m_health = new HealthMonitor(*m_clock, m_settings.healthIntervalMs, m_writer->envelope(),
                                 QStringLiteral(CODERUNNER_VERSION));
    HealthChecks::install(*m_health, m_settings, *m_clock, *m_host, dataDir);
    m_health->moveToThread(m_background);
    connect(m_health, &HealthMonitor::updated, this, &Engine::healthUpdated, Qt::QueuedConnection);
    m_background->start();
    QMetaObject::invokeMethod(m_health, &HealthMonitor::start, Qt::QueuedConnection);
    startTelemetry();
    startAlerts();

    // Routes. Later controllers (auth, admin, projects, ...) register here too.
    HttpServer *server = nullptr;
    WsHub *hub = m_hub.get();
    HealthController::Sources sources;
    sources.monitor = m_health;
    sources.clock = m_clock.get();
    sources.startedMs = m_startedMs;
    sources.draining = [this] {
        return m_server && m_server->isDraining();
    };
    sources.webSocketConnections = [hub] {
        return hub->connectionCount();
    };
    HealthController(sources).registerRoutes(*m_router);
    AlertsController(*m_alerts).registerRoutes(*m_router);
    for (const char *path : {"/ws", "/socket.io/", "/api/websocket"})
        m_router->add(Route{Method::Get,
                            QString::fromLatin1(path),
                            Role::Anonymous,
                            {},
                            BodyKind::None,
                            0,
                            true,
                            QStringLiteral("WebSocket (CONTRACT §9)")});
    if (m_extraRoutes)
        m_extraRoutes(*m_router);
    registerRoutes();
    ApiInfoController(QStringLiteral(CODERUNNER_VERSION), m_settings.environment)
        .registerRoutes(*m_router);
    m_metrics->setRoutes(m_router->routes()); // the table is final: route templates as labels

    m_pipeline = std::make_unique<RequestPipeline>(m_settings, *m_router, authenticator, *m_writer,
                                                   m_limiter.get());
    // The "ratelimit" channel: the counters, once a second while something is being limited.
    auto *ratePublisher = new QTimer(this);
    connect(ratePublisher, &QTimer::timeout, this, &Engine::publishRateLimits);
    ratePublisher->start(1000);
    m_server = std::make_unique<HttpServer>(m_settings, *m_clock, *m_pipeline, *m_writer,
                                            [hub] { return hub->makeEndpoint(); });
    server = m_server.get();
    m_server->setObserver(m_recorder.get()); // null with --metrics off: nothing is recorded
    connect(server, &HttpServer::stopped, this, [this] {
        stopBackground();
        m_host->stop();
        Q_EMIT stopped();
    });
    if (Status st = m_server->start(); !st) {
        m_server.reset();
        stopBackground();
        m_host->stop();
        return st;
    }
    QMetaObject::invokeMethod(m_telemetry, &TelemetryService::start, Qt::QueuedConnection);
    m_host->finishStart();
    return {};
}

// Metrics and live telemetry (docs/OBSERVABILITY.md): what the engine already knows is pulled
// when read (health checks, WebSocket counts); the telemetry service ticks in the background
// thread and publishes on the WebSocket "metrics" channel; GET /metrics and
// GET /api/admin/telemetry.
void Engine::startTelemetry()
{
    WsHub *hub = m_hub.get();
    m_metrics->setWebSocketProvider([hub] {
        return WebSocketStats{hub->connectionCount(), hub->messagesIn(), hub->messagesOut()};
    });
    m_metrics->setHealthProvider([this] {
        QList<DependencyState> out;
        const std::shared_ptr<const HealthSnapshot> snap = health();
        if (snap && !snap->initial) {
            for (const CheckResult &c : snap->checks)
                out.append({c.name, int(c.status)});
        }
        return out;
    });
    if (m_settings.metrics)
        m_recorder =
            std::make_unique<RequestRecorder>(*m_metrics, *m_clock, m_settings.eventLoopProbeMs);
    m_collector = std::make_shared<MetricsCollector>(*m_metrics);
    m_metrics->setTopLimitedProvider([limiter = m_limiter.get()] {
        return limiter->stats().toJson().value(QStringLiteral("topLimited")).toArray();
    });

    m_telemetry = new TelemetryService(*m_metrics, *m_clock, m_settings.telemetryIntervalMs);
    m_telemetry->setPublisher(
        [hub](const QJsonObject &snapshot) { hub->publish(QStringLiteral("metrics"), snapshot); });
    m_telemetry->moveToThread(m_background);
    connect(m_telemetry, &TelemetryService::snapshotReady, this, &Engine::telemetryUpdated,
            Qt::QueuedConnection);

    MetricsController(m_collector, MetricsController::accessFrom(m_settings))
        .registerRoutes(*m_router);
    TelemetryController(*m_telemetry, *m_clock).registerRoutes(*m_router);
}

// Alerts (docs/OBSERVABILITY.md): fed and sent out by AlertFeed in the background thread; the
// firing ones also appear in the telemetry snapshot.
void Engine::startAlerts()
{
    m_alertFeed = std::make_unique<AlertFeed>(
        AlertFeed::Sources{m_alerts.get(), m_health, m_telemetry, m_breakers.get(), m_hub.get(),
                           storage(), m_clock.get()});
    m_metrics->setAlertsProvider([alerts = m_alerts.get()] {
        QJsonArray out;
        for (const Alert &a : alerts->active())
            out.append(a.toJson());
        return out;
    });
}

// The identity module's routes: /api/auth/*, /.well-known/jwks.json, /api/admin/*.
void Engine::registerRoutes()
{
    // Identity routes anyone may call wait for the master key (IdentityGate); the others
    // authenticate first, and the gated authenticator holds them back.
    Router identityRoutes;
    AuthController(*identity(), m_limiter.get(), [metrics = m_metrics](bool succeeded) {
        metrics->login(succeeded);
    }).registerRoutes(identityRoutes);
    for (const Route &route : identityRoutes.routes())
        m_router->add(m_host->gate().wrap(route));
    RateLimitController(*m_limiter, identity()).registerRoutes(*m_router);
    AdminController::System system;
    system.version = QStringLiteral(CODERUNNER_VERSION);
    system.environment = m_settings.environment;
    system.clock = m_clock.get();
    system.startedMs = m_startedMs;
    system.database =
        QJsonObject{{QStringLiteral("backend"), m_host->databaseBackend()},
                    {QStringLiteral("url"), m_host->databaseUrl()},
                    {QStringLiteral("schemaVersion"), m_host->schemaVersion()},
                    {QStringLiteral("latestSchemaVersion"), Migrator(*m_clock).latestVersion()}};
    if (!m_sandbox) {
        m_sandbox = std::make_unique<SandboxProbe>();
        m_sandbox->start();
    }
    system.sandbox = [probe = m_sandbox.get()] {
        return probe->json();
    };
    system.configuration = QJsonObject{
        {QStringLiteral("workers"), m_settings.effectiveWorkers()},
        {QStringLiteral("storageThreads"), m_settings.storageThreads},
        {QStringLiteral("maxBodyBytes"), m_settings.maxBodyBytes},
        {QStringLiteral("maxConnections"), m_settings.maxConnections},
        {QStringLiteral("tls"), !m_settings.tlsCert.isEmpty()},
        {QStringLiteral("corsOrigins"), QJsonArray::fromStringList(m_settings.corsOrigins)},
        {QStringLiteral("publicHosts"), QJsonArray::fromStringList(m_settings.publicHosts)},
        {QStringLiteral("allowRegistration"), m_settings.allowRegistration},
        {QStringLiteral("accessTokenTtlSeconds"), m_settings.accessTokenTtlSeconds},
        {QStringLiteral("refreshGraceSeconds"), m_settings.refreshGraceSeconds},
        {QStringLiteral("sessionLifetimeDays"), m_settings.sessionLifetimeDays},
        {QStringLiteral("passwordMinLength"), m_settings.passwordMinLength}};
    AdminController(*identity(), system).registerRoutes(*m_router);
}

void Engine::publishRateLimits()
{
    if (!m_limiter || !m_hub)
        return;
    const quint64 hits = m_limiter->stats().totalHits();
    if (hits == m_publishedHits)
        return;
    m_publishedHits = hits;
    QJsonObject message = m_limiter->stats().toJson();
    message.insert(QStringLiteral("bans"), m_limiter->bans().toJson(m_clock->wallMs()));
    m_hub->publish(QStringLiteral("ratelimit"), message);
}

bool Engine::isRunning() const
{
    return m_server && m_server->isRunning();
}

void Engine::shutdown()
{
    if (m_server && m_server->isRunning())
        m_server->shutdown();
    else
        Q_EMIT stopped();
}

void Engine::stopBackground()
{
    if (!m_background)
        return;
    if (TelemetryService *telemetry = m_telemetry) {
        QMetaObject::invokeMethod(
            telemetry,
            [telemetry] {
                telemetry->stop();
                delete telemetry;
            },
            Qt::BlockingQueuedConnection);
        m_telemetry = nullptr;
    }
    HealthMonitor *health = m_health;
    QMetaObject::invokeMethod(
        health,
        [health] {
            health->stop();
            delete health;
        },
        Qt::BlockingQueuedConnection);
    m_health = nullptr;
    m_background->quit();
    m_background->wait();
    delete m_background;
    m_background = nullptr;
}

QString Engine::url() const
{
    return m_server ? m_server->url() : QString();
}

quint16 Engine::port() const
{
    return m_server ? m_server->port() : 0;
}

std::shared_ptr<const HealthSnapshot> Engine::health() const
{
    return m_health ? m_health->snapshot() : nullptr;
}

int Engine::webSocketConnections() const
{
    return m_hub ? m_hub->connectionCount() : 0;
}

} // namespace cr
