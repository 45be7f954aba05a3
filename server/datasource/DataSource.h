#pragma once

#include "datasource/AccountCreation.h"
#include "datasource/HealthView.h"
#include "datasource/ServerStatus.h"

#include <QJsonObject>
#include <QObject>

namespace cr {

// What the console knows about a server, whoever runs it: an engine in this process
// (EmbeddedSource) or, later, a remote server over its WebSocket. Lives in the GUI thread;
// start() and stop() return at once, and the outcome arrives through statusChanged(). Every
// value is plain data, so the console never sees the engine's types.
class DataSource : public QObject
{
    Q_OBJECT
public:
    explicit DataSource(QObject *parent = nullptr);
    ~DataSource() override;

    // Starts (or connects to) the server: Starting, then Running or Failed.
    virtual void start() = 0;
    // Graceful: Stopping, then Stopped once the server has let go. Harmless when idle.
    virtual void stop() = 0;
    // A short human-readable name of the kind of source ("Embedded server").
    virtual QString description() const = 0;

    ServerStatus status() const { return m_status; }
    HealthView health() const { return m_health; }

    // First run: asks whether the server has no administrator yet; the answer comes as
    // firstRunNeeded(). A source also asks by itself once the server's accounts are available.
    // The default: never needed.
    virtual void checkFirstRun();
    // Creates the first administrator (only while there is none); the answer comes as
    // adminCreated(). The default refuses.
    virtual void createFirstAdmin(const QString &email, const QString &password);

Q_SIGNALS:
    void statusChanged(const cr::ServerStatus &status);
    void healthChanged(const cr::HealthView &health);
    void firstRunNeeded(bool needed);
    void adminCreated(const cr::AccountCreation &result);
    // The live telemetry snapshot, about once a second while running (the body of the
    // WebSocket "metrics" message: docs/OBSERVABILITY.md).
    void telemetryUpdated(const QJsonObject &snapshot);

protected:
    // Implementations report through these, in the GUI thread; they signal only on change.
    void setStatus(const ServerStatus &status);
    void setHealth(const HealthView &health);

private:
    ServerStatus m_status;
    HealthView m_health;
};

} // namespace cr
