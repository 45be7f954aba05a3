// PostgreSQL only: session settings (statement_timeout, application_name), reconnecting after
// an administrator ended the server process behind a connection (pg_terminate_backend), and
// a password that never reaches an error or a log line.

#include "StoreTestSupport.h"

#include "core/Clock.h"
#include "store/Connection.h"
#include "store/Db.h"
#include "store/Migrator.h"
#include "store/Transaction.h"

#include <QTest>

using namespace cr;
using namespace cr::test;

class tst_StorePostgres : public QObject
{
    Q_OBJECT

private:
    ManualClock m_clock;

private Q_SLOTS:
    void postgresSessionSettings()
    {
        CR_TEST_DATABASE(database, QStringLiteral("postgresql"));
        DatabaseConfig config = database.config();
        config.setStatementTimeoutMs(300);
        auto db = ConnectionFactory(config).create(QStringLiteral("settings"));
        QCOMPARE(db->scalar(Sql("SELECT current_setting('statement_timeout')")).value().toString(),
                 QStringLiteral("300ms"));
        QCOMPARE(db->scalar(Sql("SELECT current_setting('application_name')")).value().toString(),
                 QStringLiteral("coderunner"));
        const Result<QVariant> slow = db->scalar(Sql("SELECT pg_sleep(5)"));
        QVERIFY(!slow.ok());
        QCOMPARE(slow.error().code, ErrorCode::DependencyUnavailable);
        QCOMPARE(slow.error().message, QStringLiteral("the database took too long to answer"));
        QCOMPARE(db->scalar(Sql("SELECT 1")).value().toInt(), 1);
        QCOMPARE(db->connection().openCount(), 1); // a timeout is not a broken connection
    }

    // PostgreSQL: an administrator ends the server process behind a connection
    // (pg_terminate_backend). The next statement reopens the connection, prepares its
    // statement again and runs it; a transaction that was open is lost, and says so.
    void postgresReconnects()
    {
        CR_TEST_DATABASE(database, QStringLiteral("postgresql"));
        cr::test::LogCapture log;
        auto db = openDb(database, "reconnect");
        QVERIFY(Migrator(m_clock).migrate(*db).ok());

        auto kill = [&](qint64 pid) {
            return database.terminateBackend(pid);
        };
        auto pidOf = [&]() {
            return db->scalar(Sql("SELECT pg_backend_pid()")).valueOr(QVariant()).toLongLong();
        };

        // 1. A read after the kill: reconnect, re-prepare, retry.
        const qint64 pid1 = pidOf();
        QVERIFY(pid1 > 0);
        QVERIFY(kill(pid1));
        QTRY_VERIFY_WITH_TIMEOUT(database.backendGone(pid1), 10000);
        const qint64 pid2 = pidOf();
        QVERIFY(pid2 > 0);
        QVERIFY(pid2 != pid1);
        QCOMPARE(db->connection().openCount(), 2);

        // 2. A write after the kill, prepared before it: the server ended the session before
        //    the statement ran (57P01), so it is run again, once, on the new connection.
        QVERIFY(insertUser(*db, QStringLiteral("u0"), QStringLiteral("z@example.com")).ok());
        QVERIFY(kill(pid2));
        QTRY_VERIFY_WITH_TIMEOUT(database.backendGone(pid2), 10000);
        const Status written =
            insertUser(*db, QStringLiteral("u1"), QStringLiteral("a@example.com"));
        QVERIFY2(written.ok(), qPrintable(errorText(written)));
        QCOMPARE(countUsers(*db), 2);
        QCOMPARE(db->connection().openCount(), 3);

        // 2b. The same with Retry::Never: reported, not retried; the connection is back.
        const qint64 pid2b = pidOf();
        QVERIFY(kill(pid2b));
        QTRY_VERIFY_WITH_TIMEOUT(database.backendGone(pid2b), 10000);
        const Result<int> notRetried = db->exec(Sql("DELETE FROM users WHERE id = ?"),
                                                {QStringLiteral("u0")}, Db::Retry::Never);
        QVERIFY(!notRetried.ok());
        QCOMPARE(notRetried.error().code, ErrorCode::DependencyUnavailable);
        QCOMPARE(notRetried.error().message, QStringLiteral("the database connection was lost"));
        QCOMPARE(
            db->exec(Sql("DELETE FROM users WHERE id = ?"), {QStringLiteral("u0")}).valueOr(-1), 1);
        QCOMPARE(countUsers(*db), 1);

        // 3. BEGIN after the kill: the transaction had not started, so BEGIN is retried.
        const qint64 pid3 = pidOf();
        QVERIFY(kill(pid3));
        QTRY_VERIFY_WITH_TIMEOUT(database.backendGone(pid3), 10000);
        {
            Transaction tx(*db);
            QVERIFY2(tx.begun().ok(), qPrintable(errorText(tx.begun())));
            QVERIFY(insertUser(*db, QStringLiteral("u2"), QStringLiteral("b@example.com")).ok());
            QVERIFY(tx.commit().ok());
        }
        QCOMPARE(countUsers(*db), 2);
        QCOMPARE(db->connection().openCount(), 5);

        // 4. A kill inside a transaction: the transaction is lost, not silently continued.
        {
            Transaction tx(*db);
            QVERIFY(tx.begun().ok());
            QVERIFY(insertUser(*db, QStringLiteral("u3"), QStringLiteral("c@example.com")).ok());
            const qint64 pid4 = pidOf();
            QVERIFY(kill(pid4));
            QTRY_VERIFY_WITH_TIMEOUT(database.backendGone(pid4), 10000);
            const Status lost =
                insertUser(*db, QStringLiteral("u4"), QStringLiteral("d@example.com"));
            QVERIFY(!lost.ok());
            QCOMPARE(lost.error().code, ErrorCode::DependencyUnavailable);
            QVERIFY(!insertUser(*db, QStringLiteral("u5"), QStringLiteral("e@example.com")).ok());
            const Status committed = tx.commit();
            QVERIFY(!committed.ok());
            QCOMPARE(committed.error().code, ErrorCode::DependencyUnavailable);
        }
        QVERIFY(!db->inTransaction());
        QCOMPARE(countUsers(*db), 2); // and the connection works again

        // Stale prepared statements were dropped with the old driver, not deallocated on a
        // dead connection.
        for (const QString &line : log.lines())
            QVERIFY2(!line.contains(QStringLiteral("Unable to free statement")), qPrintable(line));
        QVERIFY(log.contains(QStringLiteral("lost; reopening")));
    }

    // A password in the URL (trust authentication ignores it) never reaches an error or a log
    // line, through failures, a lost connection and a timeout.
    void postgresRedaction()
    {
        CR_TEST_DATABASE(database, QStringLiteral("postgresql"));
        const DatabaseConfig base = database.config();
        const Result<DatabaseConfig> withPassword = DatabaseConfig::fromUrl(
            QStringLiteral("postgresql://%1:S3cretPw@%2:%3/%4?statement_timeout=200")
                .arg(base.user(), base.host())
                .arg(base.port())
                .arg(base.databaseName()));
        QVERIFY(withPassword.ok());
        cr::test::LogCapture log;
        QStringList errors;
        {
            auto db = ConnectionFactory(withPassword.value()).create(QStringLiteral("redact"));
            QVERIFY(Migrator(m_clock).migrate(*db).ok());
            QVERIFY(insertUser(*db, QStringLiteral("u1"), QStringLiteral("a@example.com")).ok());
            const Status dup =
                insertUser(*db, QStringLiteral("u1"), QStringLiteral("a@example.com"));
            QVERIFY(!dup.ok());
            errors << dup.error().message;
            const Result<QVariant> slow = db->scalar(Sql("SELECT pg_sleep(3)"));
            QVERIFY(!slow.ok());
            errors << slow.error().message;
            const qint64 pid = db->scalar(Sql("SELECT pg_backend_pid()")).value().toLongLong();
            QVERIFY(database.terminateBackend(pid));
            QTRY_VERIFY_WITH_TIMEOUT(database.backendGone(pid), 10000);
            QVERIFY(db->scalar(Sql("SELECT 1")).ok());
            errors << withPassword.value().redacted();
        }
        QVERIFY(log.contains(QStringLiteral(":***@")));
        for (const QString &text : errors + log.lines())
            QVERIFY2(!text.contains(QStringLiteral("S3cretPw")), qPrintable(text));
    }
};

QTEST_GUILESS_MAIN(tst_StorePostgres)
#include "tst_store_postgres.moc"
