#pragma once

#include "core/Result.h"
#include "core/Settings.h"
#include "engine/StorageBootstrap.h"

#include <memory>

namespace cr {
class Clock;
class Db;
class KeyWrapper;
} // namespace cr

// What a command-line verb works on: the data directory, the database (migrated) and the master
// key, found exactly as `coderunner-server` finds them at start (StorageBootstrap; "auto" means
// the key file). A database that records a key which is missing is refused with the same
// message as a start.
class CliStorage
{
public:
    static cr::Result<CliStorage> open(const cr::Settings &settings, const cr::Clock &clock);

    cr::Db &db() { return *m_database.db; }
    const std::shared_ptr<const cr::KeyWrapper> &masterKey() const { return m_masterKey; }
    QString where() const { return m_database.redactedUrl; }

private:
    cr::StorageBootstrap::Database m_database;
    std::shared_ptr<const cr::KeyWrapper> m_masterKey;
};
