#include "store/Migrator.h"

#include "store/Db.h"
#include "store/StoreLogging.h"
#include "store/Transaction.h"

namespace cr {

Migrator::Migrator(const Clock &clock, std::vector<Migration> migrations)
    : m_clock(clock)
    , m_migrations(std::move(migrations))
{}

int Migrator::latestVersion() const
{
    return m_migrations.empty() ? 0 : m_migrations.back().version;
}

Error Migrator::tooNew(int version) const
{
    return Error::make(ErrorCode::DependencyUnavailable,
                       QStringLiteral("database schema version %1 is newer than this CodeRunner "
                                      "(%2); upgrade CodeRunner")
                           .arg(version)
                           .arg(latestVersion()));
}

Result<int> Migrator::currentVersion(Db &db) const
{
    const Result<QVariant> exists =
        db.backend() == Backend::Sqlite
            ? db.scalar(Sql("SELECT count(*) FROM sqlite_master"
                            " WHERE type = 'table' AND name = 'schema_migrations'"))
            : db.scalar(Sql("SELECT count(*) FROM information_schema.tables"
                            " WHERE table_schema = current_schema()"
                            " AND table_name = 'schema_migrations'"));
    if (!exists)
        return exists.error();
    if (exists.value().toLongLong() == 0)
        return 0;
    const Result<QVariant> version =
        db.scalar(Sql("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!version)
        return version.error();
    return int(version.value().toLongLong());
}

Status Migrator::ensureTable(Db &db) const
{
    return db.execUnprepared(Sql("CREATE TABLE IF NOT EXISTS schema_migrations ("
                                 " version INTEGER PRIMARY KEY,"
                                 " applied_at BIGINT NOT NULL)"));
}

Result<int> Migrator::migrate(Db &db) const
{
    int expected = 1;
    for (const Migration &m : m_migrations) {
        if (m.version != expected++)
            return Error::make(ErrorCode::Internal,
                               QStringLiteral("migration %1 is out of order").arg(m.version));
    }
    Result<int> current = currentVersion(db);
    if (!current)
        return current.error();
    if (current.value() > latestVersion())
        return tooNew(current.value());
    if (current.value() == latestVersion())
        return current.value();
    // Two PostgreSQL instances creating the table at the same moment: one of them fails, and
    // finds the table on a second try.
    if (Status st = ensureTable(db); !st) {
        if (Status again = ensureTable(db); !again)
            return again.error();
    }
    for (const Migration &m : m_migrations) {
        if (m.version <= current.value())
            continue;
        bool skipped = false;
        if (Status st = apply(db, m, &skipped); !st)
            return st.error();
        if (!skipped)
            qCInfo(lcStore).noquote() << "applied migration" << m.version
                                      << QString(u'(' + QString::fromUtf8(m.name) + u')') << "to"
                                      << db.config().redacted();
    }
    return currentVersion(db);
}

Status Migrator::apply(Db &db, const Migration &migration, bool *skipped) const
{
    Transaction tx(db);
    if (!tx.begun())
        return tx.begun().error();
    if (db.backend() == Backend::Postgres) {
        // Another instance may be migrating the same database: wait for it, then look again.
        if (Status st =
                db.execUnprepared(Sql("LOCK TABLE schema_migrations IN SHARE ROW EXCLUSIVE MODE"));
            !st)
            return st;
    }
    // SQLite: BEGIN IMMEDIATE already holds the write lock.
    const Result<QVariant> now =
        db.scalar(Sql("SELECT COALESCE(MAX(version), 0) FROM schema_migrations"));
    if (!now)
        return now.error();
    const int version = int(now.value().toLongLong());
    if (version > latestVersion())
        return tooNew(version);
    if (version >= migration.version) {
        *skipped = true;
        return {};
    }
    for (const MigrationStep &step : migration.steps) {
        const Sql sql = db.backend() == Backend::Postgres ? step.postgres : step.sqlite;
        if (Status st = db.execUnprepared(sql); !st) {
            qCWarning(lcStore).noquote()
                << "migration" << migration.version << "failed:" << st.error().message;
            return Error::make(
                ErrorCode::Internal,
                QStringLiteral("database migration %1 failed").arg(migration.version));
        }
    }
    const Result<int> recorded =
        db.exec(Sql("INSERT INTO schema_migrations (version, applied_at) VALUES (?, ?)"),
                {migration.version, m_clock.wallMs()});
    if (!recorded)
        return recorded.error();
    return tx.commit();
}

} // namespace cr
