#pragma once

#include "core/Settings.h"
#include "datasource/DataSource.h"

class QThread;

namespace cr {

class Engine;

// A DataSource over an Engine in this process. The engine lives in its own thread
// ("cr-engine"): it is created, started, shut down and deleted there, so the GUI thread never
// touches a socket or the database. What the GUI needs crosses back as plain values through
// queued signals.
//
// Life of one run: start() creates the thread and the engine and queues Engine::start() into
// it; the outcome comes back as engineStarted(). stop() queues Engine::shutdown(); the engine
// drains gracefully and emits stopped(), which quits its thread (and deletes the engine there);
// the thread's finished() brings the source to Stopped in the GUI thread.
class EmbeddedSource : public DataSource
{
    Q_OBJECT
public:
    explicit EmbeddedSource(Settings settings, QObject *parent = nullptr);
    // Still running: shuts the engine down and joins its thread (blocking, as a last resort).
    ~EmbeddedSource() override;

    void start() override;
    void stop() override;
    QString description() const override;
    // Through the engine's identity module, in its threads (never the GUI's).
    void checkFirstRun() override;
    void createFirstAdmin(const QString &email, const QString &password) override;

    const Settings &settings() const { return m_settings; }
    // The engine's thread while one exists (for diagnostics and tests); null when idle.
    QThread *engineThread() const { return m_thread; }
    // How often the health view is refreshed between check rounds (uptime, clients).
    void setRefreshIntervalMs(int ms) { m_refreshIntervalMs = ms; }
    // Whether the source asks by itself, once the accounts are available, if the first-run
    // dialog is needed (default true; tests of other things turn it off).
    void setAutoFirstRunCheck(bool on) { m_autoFirstRunCheck = on; }

Q_SIGNALS:
    // Relays, emitted in the engine thread and delivered queued in the GUI thread.
    void engineStarted(const cr::ServerStatus &status, QPrivateSignal);
    void engineHealth(const cr::HealthView &health, QPrivateSignal);

private:
    void startInEngineThread(); // runs in the engine thread
    void checkFirstRunInEngineThread();
    void publishHealth(); // runs in the engine thread
    void onEngineStarted(const ServerStatus &status);
    void onThreadFinished();

    Settings m_settings;
    int m_refreshIntervalMs = 1000;
    bool m_autoFirstRunCheck = true;
    QThread *m_thread = nullptr; // the QThread object itself belongs to the GUI thread
    Engine *m_engine = nullptr;  // lives in m_thread; only touched there (or queued to it)
    bool m_stopRequested = false;
    QString m_url;
    QString m_failure;
};

} // namespace cr
