#include "engine/EmbeddedSource.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "engine/Engine.h"
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
    m_engine->moveToThread(m_thread);

    // All three run in the engine thread: direct connections from signals emitted there.
    connect(m_engine, &Engine::healthUpdated, m_engine, [this] { publishHealth(); });
    QThread *thread = m_thread;
    connect(m_engine, &Engine::stopped, m_engine, [thread] { thread->quit(); });
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
