#pragma once

#include "telemetry/HealthCheck.h"

namespace cr {

// Free space where the data lives, in MiB: degraded below `thresholds.degraded` (default
// 1 GiB) or 5 % of the volume, unhealthy below `thresholds.unhealthy` (default 100 MiB).
class DiskCheck final : public HealthCheck
{
public:
    explicit DiskCheck(QString directory, HealthThresholds freeMib = {1024, 100, true})
        : m_directory(std::move(directory))
        , m_freeMib(freeMib)
    {
        m_freeMib.lowerIsWorse = true;
    }
    QString name() const override { return QStringLiteral("disk"); }
    CheckResult run() override;

    // The status for `free` bytes of `total`.
    CheckStatus classify(qint64 free, qint64 total) const;

private:
    QString m_directory;
    HealthThresholds m_freeMib;
};

} // namespace cr
