#pragma once

#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Db.h"

#include <QMutex>
#include <QString>
#include <QStringList>
#include <QTemporaryDir>
#include <QTest>

#include <memory>

namespace cr::test {

// The PostgreSQL server of the ctest fixture (scripts/pg-test-cluster.sh), read from the state
// file named by CODERUNNER_TEST_PG_FILE.
class PgTestServer
{
public:
    // The base URL (database "postgres"), or empty when there is no server.
    static QString url();
    // Why there is no server.
    static QString unavailableReason();
    // CODERUNNER_REQUIRE_POSTGRES=1: a missing server fails the PostgreSQL rows instead of
    // skipping them.
    static bool required();
};

// The data column "backend" with one row per backend: "sqlite" and "postgresql".
void addBackendRows();

// A new, empty database for one test function: an SQLite file in a temporary directory, or a
// PostgreSQL database with a unique name (CREATE DATABASE), dropped again by the destructor.
class TestDatabase
{
public:
    explicit TestDatabase(const QString &backend);
    ~TestDatabase();
    TestDatabase(const TestDatabase &) = delete;
    TestDatabase &operator=(const TestDatabase &) = delete;

    bool unavailable() const { return m_unavailable; } // PostgreSQL is not there
    bool ok() const { return m_problem.isEmpty(); }
    const QString &problem() const { return m_problem; }

    const DatabaseConfig &config() const { return m_config; }
    ConnectionFactory factory() const { return ConnectionFactory(m_config); }

    // PostgreSQL: ends a server process from a second connection, as an administrator would.
    bool terminateBackend(qint64 pid);
    // PostgreSQL: true once the process is gone.
    bool backendGone(qint64 pid);

private:
    bool adminExec(const QString &sql, QVariant *first = nullptr);

    QString m_backend;
    QString m_problem;
    bool m_unavailable = false;
    DatabaseConfig m_config;
    std::unique_ptr<QTemporaryDir> m_dir;
    QString m_adminName; // PostgreSQL: the admin connection (database "postgres")
    QString m_pgDatabase;
};

// Schema helpers for tests (migration 1's users table).
std::unique_ptr<Db> openDb(const TestDatabase &database, const char *purpose = "test");
Status insertUser(Db &db, const QString &id, const QString &email, qint64 at = 1);
qint64 countUsers(Db &db);
QString errorText(const Status &status);

// Collects every log message (all categories, debug included for cr.*) while it lives.
class LogCapture
{
public:
    LogCapture();
    ~LogCapture();
    QStringList lines() const;
    bool contains(const QString &needle) const;

private:
    static void handler(QtMsgType type, const QMessageLogContext &context, const QString &text);
    QtMessageHandler m_previous;
};

} // namespace cr::test

// Declares `name`, a TestDatabase for `backend`; skips the row when PostgreSQL is not available
// (fails it under CODERUNNER_REQUIRE_POSTGRES=1).
#define CR_TEST_DATABASE(name, backend)                                                            \
    cr::test::TestDatabase name(backend);                                                          \
    if (name.unavailable()) {                                                                      \
        if (cr::test::PgTestServer::required())                                                    \
            QFAIL(qPrintable(QStringLiteral("CODERUNNER_REQUIRE_POSTGRES=1, but ") +               \
                             name.problem()));                                                     \
        QSKIP(qPrintable(name.problem()));                                                         \
    }                                                                                              \
    QVERIFY2(name.ok(), qPrintable(name.problem()))
