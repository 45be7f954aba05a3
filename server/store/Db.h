#pragma once

#include "core/Result.h"
#include "store/DatabaseConfig.h"
#include "store/Rows.h"
#include "store/Sql.h"
#include "store/SqlErrors.h"

#include <QVariant>
#include <QVariantList>

#include <functional>
#include <memory>

class QSqlError;

namespace cr {

class Connection;

// The database as a job sees it: one connection, owned by one thread (a storage pool thread,
// or the start-up thread for migrations). Statements are literals with '?' placeholders and
// the values are bound: there is no way to run SQL built from strings.
//
//     Result<Rows> r = db.query(Sql("SELECT id, name FROM users WHERE email = ?"), {email});
//     Result<int> n = db.exec(Sql("UPDATE users SET name = ? WHERE id = ?"), {name, id});
//
// Errors are cr::Error values safe to show (SqlErrors); the SQL and the driver's words go to
// the debug log only, with the password scrubbed. A unique-key violation is Conflict on both
// backends.
//
// PostgreSQL connections that break are reopened (statements prepared again) on the next
// statement. A statement that failed because the connection broke is run once more on the new
// connection when that is safe: it only reads (or the caller says it is idempotent), or the
// server ended the session before the statement took effect. Inside a transaction it is not:
// the transaction is lost, every further statement in it fails, and commit() says so.
class Db
{
public:
    enum class Retry
    {
        Auto,       // read-only statements (SELECT, VALUES, WITH ... SELECT) are idempotent
        Idempotent, // the caller vouches that running the statement twice does no harm
        Never,
    };

    explicit Db(std::unique_ptr<Connection> connection);
    ~Db();
    Db(const Db &) = delete;
    Db &operator=(const Db &) = delete;

    Backend backend() const;
    const DatabaseConfig &config() const;
    Connection &connection() { return *m_connection; }

    // Opens the connection now; statements also open it when needed.
    Status open();

    // A statement that returns rows (SELECT, or INSERT/UPDATE ... RETURNING).
    Result<Rows> query(Sql sql, const QVariantList &values = {}, Retry retry = Retry::Auto);
    // The first column of the first row, or a null QVariant when there is no row.
    Result<QVariant> scalar(Sql sql, const QVariantList &values = {}, Retry retry = Retry::Auto);
    // A statement that changes rows; the number of rows it changed.
    Result<int> exec(Sql sql, const QVariantList &values = {}, Retry retry = Retry::Auto);
    // A statement that cannot be prepared and takes no values: DDL, PRAGMA. (Migrations.)
    Status execUnprepared(Sql sql);

    bool inTransaction() const { return m_inTransaction; }

    // What the statements since the last takeActivity() did: how many succeeded, and how many
    // failed because the database was unavailable (SqlFailure::outage, or the connection could
    // not be opened). The storage pool reads it after each job for the circuit breaker.
    struct Activity
    {
        int succeeded = 0;
        int outages = 0;
    };
    Activity takeActivity();

    // Called after every statement (including BEGIN/COMMIT) with its duration in seconds and
    // whether it succeeded; in this Db's thread. Empty: nothing is measured.
    using Observer = std::function<void(double seconds, bool ok)>;
    void setObserver(Observer observer) { m_observer = std::move(observer); }

private:
    friend class Transaction;
    Status begin(bool write);
    Status commit();
    void rollback();

    struct Outcome
    {
        bool ok = false;
        Rows rows;
        int rowsAffected = 0;
        SqlFailure failure;
    };
    enum class Kind
    {
        Rows,
        Count,
        Unprepared,
    };
    Result<Outcome> run(Sql sql, const QVariantList &values, Kind kind, Retry retry);
    Result<Outcome> runStatement(Sql sql, const QVariantList &values, Kind kind, Retry retry);
    Outcome runOnce(Sql sql, const QVariantList &values, Kind kind);
    Outcome failed(Sql sql, const QSqlError &error);

    std::unique_ptr<Connection> m_connection;
    bool m_inTransaction = false;
    bool m_transactionLost = false; // the connection broke inside the open transaction
    bool m_transactionFailed = false;
    Error m_transactionError; // the first failure inside the open transaction
    Activity m_activity;
    bool m_outage = false; // the statement under way failed for want of the database
    Observer m_observer;
};

} // namespace cr
