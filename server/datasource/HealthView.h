#pragma once

#include <QDateTime>
#include <QList>
#include <QMetaType>
#include <QString>

namespace cr {

// One health check as the console shows it.
struct HealthCheckView
{
    QString name;           // database | disk | ...
    QString status;         // ok | degraded | down
    double latencyMs = 0.0; // how long the check took

    friend bool operator==(const HealthCheckView &a, const HealthCheckView &b)
    {
        return a.name == b.name && a.status == b.status && a.latencyMs == b.latencyMs;
    }
};

// The server's health as plain data, the same words GET /health uses: what an in-process
// engine and a remote server can both deliver.
struct HealthView
{
    bool checked = false;          // false until a round of checks has run
    QString overall;               // healthy | degraded | unhealthy
    QString status;                // ok | degraded | down
    QList<HealthCheckView> checks; // in the server's order
    int webSocketConnections = 0;  // open WebSocket clients
    qint64 uptimeSeconds = 0;      // since the server started
    QDateTime checkedAt;           // when the last round ran (UTC)

    friend bool operator==(const HealthView &a, const HealthView &b)
    {
        return a.checked == b.checked && a.overall == b.overall && a.status == b.status &&
               a.checks == b.checks && a.webSocketConnections == b.webSocketConnections &&
               a.uptimeSeconds == b.uptimeSeconds && a.checkedAt == b.checkedAt;
    }
    friend bool operator!=(const HealthView &a, const HealthView &b) { return !(a == b); }
};

} // namespace cr

Q_DECLARE_METATYPE(cr::HealthCheckView)
Q_DECLARE_METATYPE(cr::HealthView)
