#pragma once

#include "store/Sql.h"

#include <cstddef>
#include <vector>

namespace cr {

// One statement of a migration. Most are written once in SQL that means the same on SQLite and
// PostgreSQL (TEXT, INTEGER, BIGINT, CHECK, REFERENCES, CREATE INDEX); where a type must
// differ (an identity column), give each backend its own text.
struct MigrationStep
{
    template<std::size_t N>
    MigrationStep(const char (&portable)[N]) // NOLINT(google-explicit-constructor): literals
        : sqlite(portable)
        , postgres(portable)
    {}
    MigrationStep(Sql forSqlite, Sql forPostgres)
        : sqlite(forSqlite)
        , postgres(forPostgres)
    {}

    Sql sqlite;
    Sql postgres;
};

// A numbered schema change, applied once, inside one transaction, and recorded in
// schema_migrations. Versions start at 1 and go up by one; a released migration never changes.
struct Migration
{
    int version;
    const char *name;
    std::vector<MigrationStep> steps;
};

} // namespace cr
