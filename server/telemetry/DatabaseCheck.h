#pragma once

#include "telemetry/HealthCheck.h"

namespace cr {

// A round trip to the embedded SQLite database on the background thread's own connection.
class DatabaseCheck final : public HealthCheck
{
public:
    explicit DatabaseCheck(QString databasePath);
    ~DatabaseCheck() override;
    QString name() const override { return QStringLiteral("database"); }
    CheckResult run() override;

private:
    QString m_path;
    QString m_connection;
};

} // namespace cr
