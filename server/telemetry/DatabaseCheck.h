#pragma once

#include "store/ConnectionFactory.h"
#include "telemetry/HealthCheck.h"

#include <memory>

namespace cr {

class CircuitBreaker;
class Db;

// A round trip (SELECT 1) to the configured database, SQLite or PostgreSQL, on a connection of
// the background thread's own, through the database's circuit breaker: while the breaker is
// open the check does not touch the database and reports it down with the breaker's state;
// once the cool-down is over its round trip is a half-open probe, so the breaker closes again
// without any request traffic. Degraded when the round trip is slower than `degradedMs` (0:
// never) or the breaker is half-open.
class DatabaseCheck final : public HealthCheck
{
public:
    DatabaseCheck(ConnectionFactory factory, std::shared_ptr<CircuitBreaker> breaker,
                  double degradedMs);
    ~DatabaseCheck() override;
    QString name() const override { return QStringLiteral("database"); }
    CheckResult run() override;

private:
    ConnectionFactory m_factory;
    std::shared_ptr<CircuitBreaker> m_breaker;
    double m_degradedMs;
    std::unique_ptr<Db> m_db; // made in the background thread on the first run
};

} // namespace cr
