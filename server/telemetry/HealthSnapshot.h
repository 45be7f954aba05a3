#pragma once

#include "http/JsonTemplate.h"
#include "telemetry/HealthCheck.h"

#include <QList>

namespace cr {

// The cached result of the last round of checks, with its responses pre-rendered: a request
// only fills in the timestamp and uptime.
struct HealthSnapshot
{
    CheckStatus overall = CheckStatus::Ok;
    QList<CheckResult> checks;
    qint64 checkedAtMs = 0; // wall clock
    bool initial = true;    // no round has run yet

    JsonTemplate publicBody;   // anonymous callers: statuses only
    JsonTemplate detailedBody; // operator/admin: version and details too

    const CheckResult *find(const QString &name) const;
    static const char *overallName(CheckStatus status); // healthy | degraded | unhealthy
};

} // namespace cr
