#pragma once

#include "core/Result.h"
#include "core/Settings.h"

#include <QList>
#include <QPair>
#include <QProcessEnvironment>
#include <QString>
#include <QStringList>

namespace cr {

enum class Backend
{
    Sqlite,
    Postgres,
};

// Where the database is and how to connect, parsed and checked once at start-up.
//
//   sqlite:/var/lib/coderunner/coderunner.db?busy_timeout=5000
//   postgresql://user@host:5432/dbname?connect_timeout=5&statement_timeout=30000&sslmode=require
//
// The PostgreSQL password belongs in PGPASSWORD or a pgpass file (~/.pgpass, PGPASSFILE), which
// libpq reads itself. A password in the URL is accepted but never shown: redacted() is the only
// form of the configuration that may be logged or put in a status, and redact() scrubs driver
// text before it is logged.
class DatabaseConfig
{
public:
    static constexpr int kDefaultBusyTimeoutMs = 5000;
    static constexpr int kDefaultConnectTimeoutS = 5;
    static constexpr int kDefaultStatementTimeoutMs = 30000;

    DatabaseConfig() = default; // SQLite, no file: set one with sqliteFile()

    // Parses a URL (postgresql://, postgres:// or sqlite:); the error says what is wrong
    // without repeating the URL.
    static Result<DatabaseConfig> fromUrl(const QString &url);
    static DatabaseConfig sqliteFile(const QString &path);
    // The `database` setting; when empty, CODERUNNER_DATABASE_URL; when that is empty too,
    // the SQLite file coderunner.db in the data directory.
    static Result<DatabaseConfig>
    fromSettings(const Settings &settings,
                 const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment());

    Backend backend() const { return m_backend; }
    QString backendName() const; // "sqlite" | "postgresql"
    QString driverName() const;  // the Qt SQL driver: QSQLITE | QPSQL

    // SQLite
    const QString &path() const { return m_path; }
    int busyTimeoutMs() const { return m_busyTimeoutMs; }
    void setBusyTimeoutMs(int ms) { m_busyTimeoutMs = ms; }

    // PostgreSQL (empty host, user or -1 port: libpq's defaults)
    const QString &host() const { return m_host; }
    int port() const { return m_port; }
    const QString &databaseName() const { return m_database; }
    const QString &user() const { return m_user; }
    // Only for handing to the driver: never log it.
    const QString &password() const { return m_password; }
    int connectTimeoutS() const { return m_connectTimeoutS; }
    void setConnectTimeoutS(int seconds) { m_connectTimeoutS = seconds; }
    int statementTimeoutMs() const { return m_statementTimeoutMs; }
    void setStatementTimeoutMs(int ms) { m_statementTimeoutMs = ms; }
    // The libpq connection options (connect_timeout, statement_timeout via options, sslmode, ...)
    // in the form QSqlDatabase::setConnectOptions() takes.
    QString connectOptions() const;

    // The same server with another database (PostgreSQL) or another file (SQLite).
    DatabaseConfig withDatabaseName(const QString &nameOrPath) const;

    // The configuration as a URL with the password replaced by ***.
    QString redacted() const;
    // `text` with every form of the password (and PGPASSWORD's value) replaced by ***.
    QString redact(QString text) const;

private:
    Backend m_backend = Backend::Sqlite;
    QString m_path;
    int m_busyTimeoutMs = kDefaultBusyTimeoutMs;

    QString m_host;
    int m_port = -1;
    QString m_database;
    QString m_user;
    QString m_password;
    int m_connectTimeoutS = kDefaultConnectTimeoutS;
    int m_statementTimeoutMs = kDefaultStatementTimeoutMs;
    QList<QPair<QString, QString>> m_options; // further libpq keywords, e.g. sslmode
    QStringList m_secrets;                    // forms of the password to scrub from text

    static Result<DatabaseConfig> parseSqlite(const QString &url);
    static Result<DatabaseConfig> parsePostgres(const QString &url);
};

} // namespace cr
