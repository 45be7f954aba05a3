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
