#pragma once

#include "http/Envelope.h"
#include "telemetry/HealthCheck.h"
#include "telemetry/HealthSnapshot.h"

#include <QMutex>
#include <QObject>

#include <memory>
#include <vector>

class QTimer;

namespace cr {

class Clock;

// Runs the health checks in the background and publishes an immutable snapshot with its
// responses pre-rendered. Lives in the background thread; snapshot() may be read from any.
class HealthMonitor : public QObject
{
    Q_OBJECT
public:
    HealthMonitor(const Clock &clock, int intervalMs, Envelope envelope, QString version);
    ~HealthMonitor() override;

    void addCheck(std::unique_ptr<HealthCheck> check); // before start()
    void start();                                      // in the monitor's thread
    void stop();                                       // in the monitor's thread
    void runNow();

    std::shared_ptr<const HealthSnapshot> snapshot() const;

Q_SIGNALS:
    void updated();

private:
    std::shared_ptr<HealthSnapshot> render(QList<CheckResult> results) const;

    const Clock &m_clock;
    int m_intervalMs;
    Envelope m_envelope;
    QString m_version;
    std::vector<std::unique_ptr<HealthCheck>> m_checks;
    QTimer *m_timer = nullptr;
    mutable QMutex m_mutex;
    std::shared_ptr<const HealthSnapshot> m_snapshot;
};

} // namespace cr
