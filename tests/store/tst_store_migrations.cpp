// Migrator on both backends (one data row each): from an empty database and again, two
// instances at once, refusal of a newer schema, a failed migration leaving nothing behind.

#include "StoreTestSupport.h"

#include "core/Clock.h"
#include "store/Db.h"
#include "store/Migrations.h"
#include "store/Migrator.h"

#include <QTest>
#include <QThread>

#include <atomic>

using namespace cr;
using namespace cr::test;

class tst_StoreMigrations : public QObject
{
    Q_OBJECT

private:
    ManualClock m_clock;

private Q_SLOTS:
    void migrateFromEmpty_data() { cr::test::addBackendRows(); }
    void migrateFromEmpty()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(database, backend);
        auto db = openDb(database);
        const Migrator migrator(m_clock);
        QCOMPARE(migrator.latestVersion(), int(Migrations::all().size()));
        QCOMPARE(migrator.currentVersion(*db).valueOr(-1), 0);

        const Result<int> version = migrator.migrate(*db);
        QVERIFY2(version.ok(), qPrintable(version.ok() ? QString() : version.error().message));
        QCOMPARE(version.value(), migrator.latestVersion());
        QCOMPARE(migrator.currentVersion(*db).valueOr(-1), migrator.latestVersion());

        const Result<Rows> applied =
            db->query(Sql("SELECT version, applied_at FROM schema_migrations ORDER BY version"));
        QVERIFY(applied.ok());
        QCOMPARE(applied.value().size(), migrator.latestVersion());
        QCOMPARE(applied.value().value(0, "version").toInt(), 1);
        QCOMPARE(applied.value().value(0, "applied_at").toLongLong(), m_clock.wallMs());

        // Every table of migration 1 is there and usable.
        QVERIFY(insertUser(*db, QStringLiteral("u1"), QStringLiteral("a@example.com")).ok());
        QVERIFY(db->exec(Sql("INSERT INTO sessions (id, user_id, refresh_hash, family_id,"
                             " created_at, last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                         {QStringLiteral("s1"), QStringLiteral("u1"), QStringLiteral("rh"),
                          QStringLiteral("f1"), 1, 1, 2})
                    .ok());
        QVERIFY(db->exec(Sql("INSERT INTO api_keys (id, user_id, name, key_hash, role, created_at)"
                             " VALUES (?, ?, ?, ?, ?, ?)"),
                         {QStringLiteral("k1"), QStringLiteral("u1"), QStringLiteral("ci"),
                          QStringLiteral("kh"), QStringLiteral("developer"), 1})
                    .ok());
        QVERIFY(db->exec(Sql("INSERT INTO audit_log (at, actor_id, action, result)"
                             " VALUES (?, ?, ?, ?)"),
                         {5, QStringLiteral("u1"), QStringLiteral("login"), QStringLiteral("ok")})
                    .ok());
        QVERIFY(db->exec(Sql("INSERT INTO audit_log (at, action, result) VALUES (?, ?, ?)"),
                         {6, QStringLiteral("logout"), QStringLiteral("ok")})
                    .ok());
        const Result<Rows> audit = db->query(Sql("SELECT id, at FROM audit_log ORDER BY id"));
        QVERIFY(audit.ok());
        QCOMPARE(audit.value().size(), 2);
        QVERIFY(audit.value().value(0, "id").toLongLong() <
                audit.value().value(1, "id").toLongLong());
        QVERIFY(db->exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"),
                         {QStringLiteral("k"), QStringLiteral("v")})
                    .ok());
        // ON DELETE CASCADE (foreign keys are on in SQLite too).
        QCOMPARE(
            db->exec(Sql("DELETE FROM users WHERE id = ?"), {QStringLiteral("u1")}).valueOr(-1), 1);
        QCOMPARE(db->scalar(Sql("SELECT count(*) FROM sessions")).value().toLongLong(), 0);
        QCOMPARE(db->scalar(Sql("SELECT count(*) FROM api_keys")).value().toLongLong(), 0);
    }

    void migrateAgainChangesNothing_data() { cr::test::addBackendRows(); }
    void migrateAgainChangesNothing()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(database, backend);
        const Migrator migrator(m_clock);
        {
            auto db = openDb(database);
            QCOMPARE(migrator.migrate(*db).valueOr(-1), migrator.latestVersion());
            QVERIFY(insertUser(*db, QStringLiteral("u1"), QStringLiteral("a@example.com")).ok());
        }
        m_clock.advance(60000);
        auto db = openDb(database, "again"); // a new connection, as at the next start
        QCOMPARE(migrator.migrate(*db).valueOr(-1), migrator.latestVersion());
        QCOMPARE(migrator.migrate(*db).valueOr(-1), migrator.latestVersion());
        QCOMPARE(db->scalar(Sql("SELECT count(*) FROM schema_migrations")).value().toLongLong(),
                 qint64(migrator.latestVersion()));
        QCOMPARE(
            db->scalar(Sql("SELECT MAX(applied_at) FROM schema_migrations")).value().toLongLong(),
            m_clock.wallMs() - 60000);
        QCOMPARE(countUsers(*db), 1);
    }

    // Two instances starting at once against one database take turns: both succeed and every
    // migration is applied once.
    void concurrentMigrations_data() { cr::test::addBackendRows(); }
    void concurrentMigrations()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(database, backend);
        const Migrator migrator(m_clock);
        const ConnectionFactory factory = database.factory();
        std::atomic<int> ready{0};
        Result<int> results[2] = {Error(), Error()};
        QThread *threads[2];
        for (int i = 0; i < 2; ++i) {
            threads[i] = QThread::create([&, i] {
                auto db = factory.create(QStringLiteral("instance%1").arg(i));
                ++ready;
                while (ready < 2) // start together
                    QThread::yieldCurrentThread();
                results[i] = migrator.migrate(*db);
            });
            threads[i]->start();
        }
        for (QThread *t : threads) {
            QVERIFY(t->wait(60000));
            delete t;
        }
        for (const Result<int> &r : results) {
            QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
            QCOMPARE(r.value(), migrator.latestVersion());
        }
        auto db = openDb(database);
        QCOMPARE(db->scalar(Sql("SELECT count(*) FROM schema_migrations")).value().toLongLong(),
                 qint64(migrator.latestVersion()));
    }

    void newerSchemaIsRefused_data() { cr::test::addBackendRows(); }
    void newerSchemaIsRefused()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(database, backend);
        auto db = openDb(database);
        const Migrator migrator(m_clock);
        QVERIFY(migrator.migrate(*db).ok());
        const int newer = migrator.latestVersion() + 4;
        QVERIFY(db->exec(Sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                         {newer, 1})
                    .ok());
        const Result<int> r = migrator.migrate(*db);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message,
                 QStringLiteral("database schema version %1 is newer than this CodeRunner (%2); "
                                "upgrade CodeRunner")
                     .arg(newer)
                     .arg(migrator.latestVersion()));
        QCOMPARE(migrator.currentVersion(*db).valueOr(-1), newer);
    }

    // A migration that fails part-way leaves nothing of itself: its DDL is rolled back with it
    // (transactional DDL on both backends) and its version is not recorded.
    void failedMigrationLeavesNothing_data() { cr::test::addBackendRows(); }
    void failedMigrationLeavesNothing()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(database, backend);
        auto db = openDb(database);
        const std::vector<Migration> migrations = {
            {1, "one", {"CREATE TABLE one (id TEXT PRIMARY KEY)"}},
            {2,
             "two",
             {"CREATE TABLE two (id TEXT PRIMARY KEY)", "INSERT INTO two (id) VALUES ('x')",
              "CREATE TABLE one (id TEXT PRIMARY KEY)"}}, // fails: exists
        };
        const Migrator migrator(m_clock, migrations);
        cr::test::LogCapture log;
        const Result<int> r = migrator.migrate(*db);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().message, QStringLiteral("database migration 2 failed"));
        QVERIFY(!r.error().message.contains(QStringLiteral("CREATE")));
        QCOMPARE(migrator.currentVersion(*db).valueOr(-1), 1);
        QVERIFY(db->scalar(Sql("SELECT count(*) FROM one")).ok());
        QVERIFY2(!db->scalar(Sql("SELECT count(*) FROM two")).ok(), "table two was rolled back");
    }
};

QTEST_GUILESS_MAIN(tst_StoreMigrations)
#include "tst_store_migrations.moc"
