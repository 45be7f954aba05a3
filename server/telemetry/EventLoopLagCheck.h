#pragma once

#include "telemetry/HealthCheck.h"

#include <memory>

class QTimer;

namespace cr {

class Clock;

// How late the background thread's event loop runs a timer: a probe every `probeIntervalMs`
// notes how far past its due time it ran (by the Clock); a check reports the largest lag since
// the previous one, in ms, against `thresholds` (healthEventLoopDegradedMs /
// healthEventLoopUnhealthyMs). The HTTP workers' lag is the metrics' business
// (coderunner_event_loop_lag_seconds{thread}). The probe timer starts on the first run, in the
// thread that runs the checks.
class EventLoopLagCheck final : public HealthCheck
{
public:
    EventLoopLagCheck(const Clock &clock, HealthThresholds ms, int probeIntervalMs = 250);
    ~EventLoopLagCheck() override;
    QString name() const override { return QStringLiteral("eventLoop"); }
    CheckResult run() override;

    // One probe: what the timer does when it fires (public for tests with a ManualClock).
    void tick();
    double lastLagMs() const { return m_lastLagMs; }

private:
    const Clock &m_clock;
    HealthThresholds m_ms;
    int m_probeIntervalMs;
    std::unique_ptr<QTimer> m_timer;
    qint64 m_dueMs = -1;   // monotonic
    double m_maxLagMs = 0; // since the last run
    double m_lastLagMs = 0;
};

} // namespace cr
