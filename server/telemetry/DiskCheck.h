#pragma once

#include "telemetry/HealthCheck.h"

namespace cr {

// Free space where the data lives: degraded below 1 GiB or 5 %, down below 100 MiB.
class DiskCheck final : public HealthCheck
{
public:
    explicit DiskCheck(QString directory)
        : m_directory(std::move(directory))
    {}
    QString name() const override { return QStringLiteral("disk"); }
    CheckResult run() override;

private:
    QString m_directory;
};

} // namespace cr
