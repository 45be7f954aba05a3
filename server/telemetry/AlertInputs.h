#pragma once

#include <QStringList>

namespace cr {

// What the alert rules look at, taken once per evaluation. The request figures come from the
// 1 Hz telemetry snapshot; memory, CPU, breakers and health from the health checks.
struct AlertInputs
{
    double p95LatencyMs = 0;
    double errorRate = 0; // 0..1 (5xx share) over the last minute
    double failedLoginsPerMinute = 0;
    double memoryPercent = 0; // resident memory of RAM (or the cgroup limit)
    double cpuPercent = 0;    // process CPU of all cores
    QStringList openBreakers; // dependencies whose breaker is open or half-open
    bool healthUnhealthy = false;
    QStringList unhealthyChecks; // the checks that are down, for the alert's details
};

} // namespace cr
