#include "telemetry/HealthSnapshot.h"

namespace cr {

const char *checkStatusName(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok:
        return "ok";
    case CheckStatus::Degraded:
        return "degraded";
    case CheckStatus::Down:
        return "down";
    }
    return "down";
}

const char *HealthSnapshot::overallName(CheckStatus status)
{
    switch (status) {
    case CheckStatus::Ok:
        return "healthy";
    case CheckStatus::Degraded:
        return "degraded";
    case CheckStatus::Down:
        return "unhealthy";
    }
    return "unhealthy";
}

const CheckResult *HealthSnapshot::find(const QString &name) const
{
    for (const CheckResult &c : checks) {
        if (c.name == name)
            return &c;
    }
    return nullptr;
}

} // namespace cr
