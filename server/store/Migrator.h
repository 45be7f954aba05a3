#pragma once

#include "core/Clock.h"
#include "core/Result.h"
#include "store/Migration.h"
#include "store/Migrations.h"

#include <vector>

namespace cr {

class Db;

// Brings a database to the schema this program knows, at start-up, before the storage pool
// takes connections: each pending migration runs inside its own transaction together with its
// row in schema_migrations(version, applied_at), so it is applied completely or not at all, and
// running again changes nothing. A database already at a newer version than this program knows
// is refused (an older CodeRunner must not write to a schema it does not understand).
// Several instances starting at once against one PostgreSQL database take turns (a table lock).
class Migrator
{
public:
    explicit Migrator(const Clock &clock, std::vector<Migration> migrations = Migrations::all());

    int latestVersion() const;
    // The highest version applied; 0 for an empty database.
    Result<int> currentVersion(Db &db) const;
    // Applies what is missing; returns the version the database is at afterwards.
    Result<int> migrate(Db &db) const;

private:
    Status ensureTable(Db &db) const;
    Status apply(Db &db, const Migration &migration, bool *skipped) const;
    Error tooNew(int version) const;

    const Clock &m_clock;
    std::vector<Migration> m_migrations;
};

} // namespace cr
