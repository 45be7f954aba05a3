#include "engine/Engine.h"

#include "api/ApiInfoController.h"
#include "api/HealthController.h"
#include "core/Clock.h"
#include "core/Logging.h"
#include "http/HttpServer.h"
#include "http/RequestPipeline.h"
#include "http/ResponseWriter.h"
#include "http/Router.h"
#include "telemetry/DatabaseCheck.h"
#include "telemetry/DiskCheck.h"
#include "telemetry/HealthMonitor.h"
#include "ws/WsHub.h"

#include <QDir>
#include <QFile>
#include <QThread>

namespace cr {

Engine::Engine(Settings settings, std::shared_ptr<Clock> clock, QObject *parent)
    : QObject(parent)
    , m_settings(std::move(settings))
    , m_clock(clock ? std::move(clock) : std::make_shared<SystemClock>())
{}

Engine::~Engine()
{
    m_server.reset();
    stopBackground();
}

void Engine::setExtraRoutes(std::function<void(Router &)> registerRoutes)
{
    m_extraRoutes = std::move(registerRoutes);
}

void Engine::setAuthenticator(std::shared_ptr<const Authenticator> authenticator)
{
    m_authenticator = std::move(authenticator);
}

QString Engine::databasePath() const
{
    return m_settings.effectiveDataDir() + QStringLiteral("/coderunner.db");
}

Status Engine::start()
{
    if (m_server && m_server->isRunning())
        return {};
    const QString dataDir = m_settings.effectiveDataDir();
    if (!QDir().mkpath(dataDir))
        return Error::make(ErrorCode::Internal,
                           QStringLiteral("cannot create the data directory %1").arg(dataDir));
    QFile::setPermissions(dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    m_startedMs = m_clock->monotonicMs();

    m_router = std::make_unique<Router>();
    m_writer = std::make_unique<ResponseWriter>(m_settings, *m_clock);
    m_hub = std::make_unique<WsHub>(m_settings, *m_clock, m_authenticator.get());

    m_background = new QThread;
    m_background->setObjectName(QStringLiteral("cr-background"));
    m_health = new HealthMonitor(*m_clock, m_settings.healthIntervalMs, m_writer->envelope(),
                                 QStringLiteral(CODERUNNER_VERSION));
    m_health->addCheck(std::make_unique<DatabaseCheck>(databasePath()));
    m_health->addCheck(std::make_unique<DiskCheck>(dataDir));
    m_health->moveToThread(m_background);
    connect(m_health, &HealthMonitor::updated, this, &Engine::healthUpdated, Qt::QueuedConnection);
    m_background->start();
    QMetaObject::invokeMethod(m_health, &HealthMonitor::start, Qt::QueuedConnection);

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
    ApiInfoController(QStringLiteral(CODERUNNER_VERSION), m_settings.environment)
        .registerRoutes(*m_router);

    m_pipeline =
        std::make_unique<RequestPipeline>(m_settings, *m_router, m_authenticator.get(), *m_writer);
    m_server = std::make_unique<HttpServer>(m_settings, *m_clock, *m_pipeline, *m_writer,
                                            [hub] { return hub->makeEndpoint(); });
    server = m_server.get();
    connect(server, &HttpServer::stopped, this, [this] {
        stopBackground();
        Q_EMIT stopped();
    });
    if (Status st = m_server->start(); !st) {
        m_server.reset();
        stopBackground();
        return st;
    }
    return {};
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
