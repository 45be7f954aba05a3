#pragma once

#include <QJsonObject>
#include <QString>

namespace cr {

enum class CheckStatus
{
    Ok,
    Degraded,
    Down
};

const char *checkStatusName(CheckStatus status);

struct CheckResult
{
    QString name;
    CheckStatus status = CheckStatus::Ok;
    double latencyMs = 0;
    QJsonObject details; // operator/admin only; never error text with secrets
    double value = -1;   // what the check measured (percent, ms), for alerts; -1: nothing
};

// Degraded / unhealthy thresholds of one measured value. A threshold of 0 is off. For "higher
// is worse" values (memory %, lag) a value above a threshold reaches that level; for "lower is
// worse" ones (free disk) a value below it.
struct HealthThresholds
{
    double degraded = 0;
    double unhealthy = 0;
    bool lowerIsWorse = false;

    CheckStatus classify(double value) const
    {
        auto beyond = [this, value](double limit) {
            return limit > 0 && (lowerIsWorse ? value < limit : value > limit);
        };
        if (beyond(unhealthy))
            return CheckStatus::Down;
        if (beyond(degraded))
            return CheckStatus::Degraded;
        return CheckStatus::Ok;
    }
    QJsonObject toJson() const
    {
        return QJsonObject{{QStringLiteral("degraded"), degraded},
                           {QStringLiteral("unhealthy"), unhealthy}};
    }
};

// One background health check. run() is called on the background thread only and may block
// briefly (a database round trip); no request ever waits on it.
class HealthCheck
{
public:
    virtual ~HealthCheck() = default;
    virtual QString name() const = 0;
    virtual CheckResult run() = 0;
};

} // namespace cr
