#pragma once

#include "datasource/HealthView.h"
#include "datasource/ServerStatus.h"

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

Q_SIGNALS:
    void statusChanged(const cr::ServerStatus &status);
    void healthChanged(const cr::HealthView &health);

protected:
    // Implementations report through these, in the GUI thread; they signal only on change.
    void setStatus(const ServerStatus &status);
    void setHealth(const HealthView &health);

private:
    ServerStatus m_status;
    HealthView m_health;
};

} // namespace cr
