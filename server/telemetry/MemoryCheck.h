#pragma once

#include "telemetry/HealthCheck.h"

#include <QByteArray>

#include <functional>

namespace cr {

// What the memory check reads: this process's resident memory and the memory it may use (the
// smaller of physical RAM and a cgroup v2 limit). -1: unknown.
struct MemorySample
{
    qint64 residentBytes = -1;
    qint64 limitBytes = -1;
};

// Resident memory as a percentage of the memory the process may use; thresholds in percent
// (healthMemoryDegradedPercent / healthMemoryUnhealthyPercent).
class MemoryCheck final : public HealthCheck
{
public:
    using Sampler = std::function<MemorySample()>;

    // No sampler: /proc (sampleProc).
    explicit MemoryCheck(HealthThresholds percent, Sampler sampler = {});
    QString name() const override { return QStringLiteral("memory"); }
    CheckResult run() override;

    static MemorySample sampleProc();
    // MemTotal of /proc/meminfo, in bytes; -1 when absent.
    static qint64 parseMemTotal(const QByteArray &meminfo);
    // The resident pages of /proc/self/statm (second field) in bytes; -1 when malformed.
    static qint64 parseStatmResident(const QByteArray &statm, qint64 pageBytes);
    // A cgroup v2 memory.max: the limit in bytes, or -1 for "max" or garbage.
    static qint64 parseCgroupLimit(const QByteArray &memoryMax);

private:
    HealthThresholds m_percent;
    Sampler m_sampler;
};

} // namespace cr
