#include "engine/EmbeddedSource.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "engine/Engine.h"
#include "identity/Caller.h"
#include "identity/Identity.h"
#include "identity/UserProvisioning.h"
#include "telemetry/HealthSnapshot.h"

#include <QThread>
#include <QTimer>

namespace cr {
namespace {

HealthView makeView(const Engine &engine)
{
    HealthView view;
    view.webSocketConnections = engine.webSocketConnections();
    view.uptimeSeconds =
        qMax<qint64>(0, (engine.clock().monotonicMs() - engine.startedMs()) / 1000);
    const std::shared_ptr<const HealthSnapshot> snap = engine.health();
    if (!snap || snap->initial)
        return view;
    view.checked = true;
    view.overall = QString::fromLatin1(HealthSnapshot::overallName(snap->overall));
    view.status = QString::fromLatin1(checkStatusName(snap->overall));
    view.checkedAt = QDateTime::fromMSecsSinceEpoch(snap->checkedAtMs, Qt::UTC);
    for (const CheckResult &c : snap->checks)
        view.checks.append(
            HealthCheckView{c.name, QString::fromLatin1(checkStatusName(c.status)), c.latencyMs});
    return view;
}

AccountCreation creationOf(const Result<User> &user)
{
    AccountCreation out;
    if (user) {
        out.ok = true;
        out.email = user.value().email;
        return out;
    }
    out.message = user.error().message;
    for (const FieldError &f : user.error().fields) {
        if (f.field == u"email")
            out.emailErrors << f.message;
        else if (f.field == u"password")
            out.passwordErrors << f.message;
    }
    if (user.error().code == ErrorCode::UserExists)
        out.emailErrors << user.error().message;
    return out;
}

} // namespace

EmbeddedSource::EmbeddedSource(Settings settings, QObject *parent)
    : DataSource(parent)
    , m_settings(std::move(settings))
{
    connect(this, &EmbeddedSource::engineStarted, this, &EmbeddedSource::onEngineStarted,
            Qt::QueuedConnection);
    connect(
        this, &EmbeddedSource::engineHealth, this,
        [this](const HealthView &view) {
            if (status().state == ServerState::Running)
                setHealth(view);
        },
        Qt::QueuedConnection);
}

EmbeddedSource::~EmbeddedSource()
{
    if (!m_thread)
        return;
    disconnect(m_thread, nullptr, this, nullptr);
    if (!m_stopRequested)
        QMetaObject::invokeMethod(m_engine, &Engine::shutdown, Qt::QueuedConnection);
    // Engine::stopped quits the thread from inside it; no GUI event is needed to get there.
    m_thread->wait();
    delete m_thread;
}

QString EmbeddedSource::description() const
{
    return tr("Embedded server");
}

void EmbeddedSource::start()
{
    if (m_thread)
        return; // starting, running or still stopping
    m_stopRequested = false;
    m_url.clear();
    m_failure.clear();
    setStatus(ServerStatus{ServerState::Starting, {}, {}});

    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("cr-engine"));
    m_engine = new Engine(m_settings);
    // The console's master key: the keychain unless the settings or the database say
    // otherwise, loaded after listening so a slow or locked keychain never holds up the start.
    m_engine->setMasterKeyLoading(SecretStoreKind::Keychain, true);
    m_engine->moveToThread(m_thread);
    if (m_autoFirstRunCheck)
        connect(m_engine, &Engine::identityReady, m_engine,
                [this] { checkFirstRunInEngineThread(); });

    // All three run in the engine thread: direct connections from signals emitted there.
    connect(m_engine, &Engine::healthUpdated, m_engine, [this] { publishHealth(); });
    QThread *thread = m_thread;
    connect(m_engine, &Engine::stopped, m_engine, [thread] { thread->quit(); });
    // Snapshots cross to the GUI thread queued (this source lives there).
    connect(
        m_engine, &Engine::telemetryUpdated, this,
        [this](const QJsonObject &snapshot) {
            if (status().state == ServerState::Running)
                Q_EMIT telemetryUpdated(snapshot);
        },
        Qt::QueuedConnection);
    connect(m_thread, &QThread::finished, m_engine, &QObject::deleteLater, Qt::DirectConnection);
    // Back in the GUI thread once the thread's loop has ended and the engine is gone.
    connect(m_thread, &QThread::finished, this, &EmbeddedSource::onThreadFinished,
            Qt::QueuedConnection);

    m_thread->start();
    QMetaObject::invokeMethod(
        m_engine, [this] { startInEngineThread(); }, Qt::QueuedConnection);
}

void EmbeddedSource::startInEngineThread()
{
    Engine *engine = m_engine;
    const Status st = engine->start();
    if (!st) {
        qCWarning(lcCore) << "the embedded server did not start:" << st.error().message;
        // The thread stays up until the GUI asks for shutdown(): the engine must outlive
        // every call queued to it. shutdown() on an engine that never started emits stopped().
        Q_EMIT engineStarted(ServerStatus{ServerState::Failed, {}, st.error().message},
                             QPrivateSignal());
        return;
    }
    Q_EMIT engineStarted(ServerStatus{ServerState::Running, engine->url(), {}}, QPrivateSignal());
    // Between check rounds: keep uptime and the client count current (no I/O, a snapshot read).
    auto *refresh = new QTimer(engine);
    connect(refresh, &QTimer::timeout, engine, [this] { publishHealth(); });
    refresh->start(m_refreshIntervalMs);
    publishHealth();
}

void EmbeddedSource::checkFirstRun()
{
    if (!m_engine)
        return;
    QMetaObject::invokeMethod(
        m_engine, [this] { checkFirstRunInEngineThread(); }, Qt::QueuedConnection);
}

// Only once the accounts are available; the answer comes from the identity thread.
void EmbeddedSource::checkFirstRunInEngineThread()
{
    Engine *engine = m_engine;
    if (!engine->isRunning() || !engine->isIdentityReady() || !engine->identity())
        return;
    engine->identity()->provisioning().needsFirstAdmin([this](Result<bool> needed) {
        const bool yes = needed && needed.value();
        QMetaObject::invokeMethod(
            this, [this, yes] { Q_EMIT firstRunNeeded(yes); }, Qt::QueuedConnection);
    });
}

void EmbeddedSource::createFirstAdmin(const QString &email, const QString &password)
{
    auto answer = [this](const AccountCreation &result) {
        QMetaObject::invokeMethod(
            this, [this, result] { Q_EMIT adminCreated(result); }, Qt::QueuedConnection);
    };
    if (!m_engine) {
        AccountCreation refused;
        refused.message = tr("The server is not running.");
        return answer(refused);
    }
    QMetaObject::invokeMethod(
        m_engine,
        [this, email, password, answer] {
            Engine *engine = m_engine;
            if (!engine->isRunning() || !engine->isIdentityReady() || !engine->identity()) {
                AccountCreation refused;
                refused.message = tr("The server's accounts are not available yet.");
                return answer(refused);
            }
            UserProvisioning::Request request;
            request.email = email;
            request.password = password;
            request.role = Role::Admin;
            request.source = QStringLiteral("console");
            request.firstAdminOnly = true;
            engine->identity()->provisioning().create(
                request, Caller(), [answer](Result<User> user) { answer(creationOf(user)); });
        },
        Qt::QueuedConnection);
}

void EmbeddedSource::publishHealth()
{
    Q_EMIT engineHealth(makeView(*m_engine), QPrivateSignal());
}

void EmbeddedSource::stop()
{
    if (!m_thread) {
        if (status().state != ServerState::Failed) // keep the reason a start failed
            setStatus(ServerStatus{ServerState::Stopped, {}, {}});
        return;
    }
    if (m_stopRequested)
        return;
    m_stopRequested = true;
    setStatus(ServerStatus{ServerState::Stopping, m_url, {}});
    // Queued behind a pending start: the engine either shuts down what it started or, when it
    // never started, emits stopped() at once.
    QMetaObject::invokeMethod(m_engine, &Engine::shutdown, Qt::QueuedConnection);
}

void EmbeddedSource::onEngineStarted(const ServerStatus &started)
{
    if (started.state == ServerState::Failed) {
        // Wind the thread down; onThreadFinished() reports Failed with this message.
        m_failure = started.errorMessage;
        if (!m_stopRequested) {
            m_stopRequested = true;
            QMetaObject::invokeMethod(m_engine, &Engine::shutdown, Qt::QueuedConnection);
        }
        return;
    }
    m_url = started.url;
    if (m_stopRequested)
        setStatus(ServerStatus{ServerState::Stopping, m_url, {}});
    else
        setStatus(started);
}

void EmbeddedSource::onThreadFinished()
{
    m_thread->wait(); // at once: after finished() the thread only deletes the engine
    delete m_thread;
    m_thread = nullptr;
    m_engine = nullptr; // deleted in its thread on finished()
    m_stopRequested = false;
    m_url.clear();
    if (!m_failure.isEmpty())
        setStatus(ServerStatus{ServerState::Failed, {}, m_failure});
    else
        setStatus(ServerStatus{ServerState::Stopped, {}, {}});
}

} // namespace cr
