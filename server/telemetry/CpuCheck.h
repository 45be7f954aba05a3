#pragma once

#include "telemetry/HealthCheck.h"

#include <QByteArray>

#include <functional>

namespace cr {

class Clock;

// The process's CPU use over the last check interval, in percent of all cores (100: every
// core busy with this process); thresholds in percent (healthCpuDegradedPercent /
// healthCpuUnhealthyPercent). The first run only takes the starting point.
class CpuCheck final : public HealthCheck
{
public:
    using Sampler = std::function<double()>; // CPU seconds used so far (user + system); <0: unknown

    // cpus 0: the online CPUs. No sampler: /proc/self/stat. A round less than `minWindowMs`
    // after the last measurement repeats it (short intervals are too noisy to judge by).
    CpuCheck(const Clock &clock, HealthThresholds percent, int cpus = 0, Sampler sampler = {},
             qint64 minWindowMs = 1000);
    QString name() const override { return QStringLiteral("cpu"); }
    CheckResult run() override;

    static double readProcessCpuSeconds();
    // utime + stime (fields 14 and 15) of a /proc/<pid>/stat line, in clock ticks; -1 when
    // malformed. The command name (field 2) may hold spaces and parentheses.
    static qint64 parseStatTicks(const QByteArray &stat);

private:
    const Clock &m_clock;
    HealthThresholds m_percent;
    int m_cpus;
    Sampler m_sampler;
    qint64 m_minWindowMs;
    double m_lastCpuSeconds = -1;
    qint64 m_lastMs = 0;
    CheckResult m_last; // the last measurement, repeated within minWindowMs
};

} // namespace cr
