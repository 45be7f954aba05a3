#pragma once

#include "core/Error.h"
#include "store/DatabaseConfig.h"

class QSqlError;

namespace cr {

// What a failed statement means, in cr::Error terms: the message is safe to show (no SQL, no
// driver text); the driver's detail goes only to the debug log.
struct SqlFailure
{
    Error error;
    // PostgreSQL: the connection is gone (SQLSTATE class 08, 57P01-57P03, or no SQLSTATE at
    // all, which libpq reports for a connection it could not use).
    bool connectionLost = false;
    // The server reported that it ended the session before the statement could take effect
    // (administrator shutdown or termination: 57P01-57P03): running it again is safe.
    bool notApplied = false;
    // The database itself is unavailable (a lost or refused connection, a statement timeout,
    // exhausted resources, an unreadable SQLite file), as opposed to a caller's mistake or
    // contention: what the database circuit breaker counts as a failure.
    bool outage = false;
};

class SqlErrors
{
public:
    // Unique-key and foreign-key violations are Conflict on both backends, check and not-null
    // violations ValidationError, busy/timeout/lost connection DependencyUnavailable, the rest
    // Internal.
    static SqlFailure classify(const QSqlError &error, Backend backend);

    static Error connectionLost();
    static Error transactionLost();
};

} // namespace cr
