#pragma once

#include "core/Result.h"
#include "store/DatabaseConfig.h"
#include "store/Sql.h"

#include <QByteArray>
#include <QHash>
#include <QSqlDatabase>
#include <QString>

#include <memory>

class QSqlError;
class QSqlQuery;
class QThread;

namespace cr {

// One named QSqlDatabase connection, used only by the thread that created it (Qt SQL's rule).
// Opening applies the backend's session settings: for SQLite WAL journal, foreign keys, a busy
// timeout (QSQLITE_BUSY_TIMEOUT) and synchronous=NORMAL; for PostgreSQL a connect timeout and a
// statement_timeout. Prepared statements are cached per connection and prepared again after a
// reopen. Closing (and the destructor) removes the QSqlDatabase from Qt's registry.
class Connection
{
public:
    Connection(DatabaseConfig config, QString name);
    ~Connection();
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    const DatabaseConfig &config() const { return m_config; }
    const QString &name() const { return m_name; }
    Backend backend() const { return m_config.backend(); }

    // Opens the connection unless it is open. The error is safe to show; the detail is logged
    // at debug level, redacted.
    Status open();
    bool isOpen() const { return m_open; }
    // Forgets the prepared statements, closes the connection and removes it from Qt's registry.
    void close();
    // How many times the connection was opened: 1 after the first open, more after reopens.
    int openCount() const { return m_openCount; }

    // The prepared statement for `sql` from the cache, prepared on first use. Null (with
    // `error` filled in) when preparing failed.
    QSqlQuery *prepared(Sql sql, QSqlError *error);
    // A new query for statements that cannot be prepared: DDL, PRAGMA, transaction control.
    QSqlQuery plainQuery() const;

private:
    Status openSqlite();
    Status openPostgres();
    Status failOpen(const QString &what, const QString &detail);
    void assertThread() const;

    DatabaseConfig m_config;
    QString m_name;
    QThread *m_thread;
    QSqlDatabase m_db;
    bool m_open = false;
    int m_openCount = 0;
    QHash<QByteArray, std::shared_ptr<QSqlQuery>> m_statements;
};

} // namespace cr
