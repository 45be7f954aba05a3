#include "engine/Engine.h"

#include "api/AdminController.h"
#include "api/ApiInfoController.h"
#include "api/AuthController.h"
#include "api/HealthController.h"
#include "core/Authenticator.h"
#include "core/Clock.h"
#include "core/KeyWrapper.h"
#include "core/Logging.h"
#include "http/HttpServer.h"
#include "http/RequestPipeline.h"
#include "http/ResponseWriter.h"
#include "http/Router.h"
#include "identity/Identity.h"
#include "identity/IdentityOptions.h"
#include "secrets/MasterKey.h"
#include "secrets/MasterKeyBootstrap.h"
#include "secrets/SecretStoreFactory.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Db.h"
#include "store/Migrator.h"
#include "store/StoragePool.h"
#include "telemetry/DatabaseCheck.h"
#include "telemetry/DiskCheck.h"
#include "telemetry/HealthMonitor.h"
#include "ws/WsHub.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QJsonArray>
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
    stopStorage();
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
    m_keyWrapper = std::move(wrapper);
}

Status Engine::startStorage()
{
    Result<DatabaseConfig> config = DatabaseConfig::fromSettings(m_settings);
    if (!config)
        return Error::make(config.error().code,
                           QStringLiteral("database configuration: ") + config.error().message);
    ConnectionFactory factory(config.value());
    const QString where = config.value().redacted();
    Result<std::unique_ptr<Db>> db = factory.open(QStringLiteral("migrate"));
    if (!db)
        return Error::make(
            db.error().code,
            QStringLiteral("cannot open the database %1: %2").arg(where, db.error().message));
    const Result<int> version = Migrator(*m_clock).migrate(*db.value());
    if (!version)
        return Error::make(version.error().code,
                           QStringLiteral("cannot migrate the database %1: %2")
                               .arg(where, version.error().message));
    if (!m_keyWrapper) {
        if (Status st = loadMasterKey(*db.value()); !st)
            return st;
    }
    m_schemaVersion = version.value();
    m_databaseBackend = config.value().backendName();
    m_databaseUrl = where;
    Result<std::unique_ptr<Identity>> identity = Identity::open(
        IdentityOptions::fromSettings(m_settings), *m_clock, *db.value(), m_keyWrapper);
    db.value().reset(); // the migration connection belongs to this thread: close it here
    if (!identity)
        return identity.error();
    m_pool = std::make_unique<StoragePool>(factory,
                                           StoragePool::Options{m_settings.storageThreads, 1024});
    m_pool->start();
    m_identity = std::move(identity).value();
    m_identity->start(*m_pool);
    qCInfo(lcCore).noquote() << "database" << where << "at schema version" << m_schemaVersion;
    return {};
}

// The identity thread first (no continuation runs any more), then the pool (running jobs
// finish; they may still touch the identity state), then the identity module itself.
void Engine::stopStorage()
{
    if (m_identity)
        m_identity->stop();
    if (m_pool)
        m_pool->stop();
    m_identity.reset();
    m_pool.reset();
}

// The master key, from the store the database records (or, on first start, the configured
// one). A key file answers at once; a keychain within keychainTimeoutMs per call, so this wait
// is bounded. "auto" means the key file here.
Status Engine::loadMasterKey(Db &db)
{
    Result<SecretStoreChoice> choice =
        SecretStoreFactory::choice(m_settings, SecretStoreKind::KeyFile);
    if (!choice)
        return choice.error();
    QEventLoop loop;
    QObject context;
    std::optional<Result<MasterKey>> key;
    const Settings &settings = m_settings;
    MasterKeyBootstrap::run(
        &context, db, choice.value(),
        [&settings](SecretStoreKind kind) { return SecretStoreFactory::create(kind, settings); },
        [&](Result<MasterKey> result) {
            key = std::move(result);
            loop.quit();
        });
    if (!key)
        loop.exec();
    if (!key->ok())
        return Error::make(key->error().code,
                           QStringLiteral("master key: ") + key->error().message);
    m_keyWrapper = std::make_shared<MasterKey>(key->value());
    qCInfo(lcCore).noquote() << "master key" << m_keyWrapper->keyId() << "loaded";
    return {};
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
    if (Status st = startStorage(); !st) {
        stopStorage();
        return st;
    }
    const Authenticator *authenticator =
        m_authenticator ? m_authenticator.get() : m_identity->authenticator().get();

    m_router = std::make_unique<Router>();
    m_writer = std::make_unique<ResponseWriter>(m_settings, *m_clock);
    m_hub = std::make_unique<WsHub>(m_settings, *m_clock, authenticator);

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
    registerRoutes();
    ApiInfoController(QStringLiteral(CODERUNNER_VERSION), m_settings.environment)
        .registerRoutes(*m_router);

    m_pipeline = std::make_unique<RequestPipeline>(m_settings, *m_router, authenticator, *m_writer);
    m_server = std::make_unique<HttpServer>(m_settings, *m_clock, *m_pipeline, *m_writer,
                                            [hub] { return hub->makeEndpoint(); });
    server = m_server.get();
    connect(server, &HttpServer::stopped, this, [this] {
        stopBackground();
        stopStorage();
        Q_EMIT stopped();
    });
    if (Status st = m_server->start(); !st) {
        m_server.reset();
        stopBackground();
        stopStorage();
        return st;
    }
    return {};
}

// The identity module's routes: /api/auth/*, /.well-known/jwks.json, /api/admin/*.
void Engine::registerRoutes()
{
    AuthController(*m_identity).registerRoutes(*m_router);
    AdminController::System system;
    system.version = QStringLiteral(CODERUNNER_VERSION);
    system.environment = m_settings.environment;
    system.clock = m_clock.get();
    system.startedMs = m_startedMs;
    system.database =
        QJsonObject{{QStringLiteral("backend"), m_databaseBackend},
                    {QStringLiteral("url"), m_databaseUrl},
                    {QStringLiteral("schemaVersion"), m_schemaVersion},
                    {QStringLiteral("latestSchemaVersion"), Migrator(*m_clock).latestVersion()}};
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
    AdminController(*m_identity, system).registerRoutes(*m_router);
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
