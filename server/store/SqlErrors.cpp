#include "store/SqlErrors.h"

#include <QSqlError>

namespace cr {
namespace {

Error conflict()
{
    return Error::make(ErrorCode::Conflict, QStringLiteral("a record with the same unique value "
                                                           "already exists"));
}

Error reference()
{
    return Error::make(ErrorCode::Conflict,
                       QStringLiteral("the record refers to a record that does not exist, or is "
                                      "still referred to"));
}

Error rejected()
{
    return Error::make(ErrorCode::ValidationError,
                       QStringLiteral("a value was rejected by the database"));
}

Error unavailable(const QString &why)
{
    return Error::make(ErrorCode::DependencyUnavailable, why);
}

Error internal()
{
    return Error::make(ErrorCode::Internal, QStringLiteral("database error"));
}

SqlFailure classifyPostgres(const QString &state)
{
    SqlFailure f;
    if (state.isEmpty() || state.startsWith(u"08") || state.startsWith(u"57P")) {
        f.connectionLost = true;
        f.notApplied = state == u"57P01" || state == u"57P02" || state == u"57P03";
        f.outage = true;
        f.error = SqlErrors::connectionLost();
    } else if (state == u"23505") {
        f.error = conflict();
    } else if (state == u"23503") {
        f.error = reference();
    } else if (state == u"23502" || state == u"23514" || state.startsWith(u"22")) {
        f.error = rejected();
    } else if (state == u"57014") {
        f.outage = true;
        f.error = unavailable(QStringLiteral("the database took too long to answer"));
    } else if (state == u"40001" || state == u"40P01" || state == u"55P03") {
        f.error = unavailable(QStringLiteral("the database is busy; try again"));
    } else if (state.startsWith(u"53")) {
        f.outage = true;
        f.error = unavailable(QStringLiteral("the database is out of resources"));
    } else {
        f.error = internal();
    }
    return f;
}

SqlFailure classifySqlite(const QString &code)
{
    // Qt turns on SQLite's extended result codes: the primary code is the low byte.
    SqlFailure f;
    bool ok = false;
    const int extended = code.toInt(&ok);
    const int primary = ok ? extended & 0xff : -1;
    switch (extended) {
    case 2067: // SQLITE_CONSTRAINT_UNIQUE
    case 1555: // SQLITE_CONSTRAINT_PRIMARYKEY
        f.error = conflict();
        return f;
    case 787: // SQLITE_CONSTRAINT_FOREIGNKEY
        f.error = reference();
        return f;
    default:
        break;
    }
    switch (primary) {
    case 19: // SQLITE_CONSTRAINT: NOT NULL, CHECK, ...
    case 20: // SQLITE_MISMATCH
        f.error = rejected();
        break;
    case 5: // SQLITE_BUSY (after the busy timeout)
    case 6: // SQLITE_LOCKED
        f.error = unavailable(QStringLiteral("the database is busy; try again"));
        break;
    case 10: // SQLITE_IOERR
    case 13: // SQLITE_FULL
    case 14: // SQLITE_CANTOPEN
    case 8:  // SQLITE_READONLY
        f.outage = true;
        f.error = unavailable(QStringLiteral("the database file cannot be written"));
        break;
    case 11: // SQLITE_CORRUPT
    case 26: // SQLITE_NOTADB
        f.outage = true;
        f.error = unavailable(QStringLiteral("the database file is damaged"));
        break;
    default:
        f.error = internal();
        break;
    }
    return f;
}

} // namespace

SqlFailure SqlErrors::classify(const QSqlError &error, Backend backend)
{
    return backend == Backend::Postgres ? classifyPostgres(error.nativeErrorCode())
                                        : classifySqlite(error.nativeErrorCode());
}

Error SqlErrors::connectionLost()
{
    return unavailable(QStringLiteral("the database connection was lost"));
}

Error SqlErrors::transactionLost()
{
    return unavailable(QStringLiteral("the database connection was lost during a transaction; "
                                      "nothing of it was saved"));
}

} // namespace cr
