#pragma once

#include "core/Result.h"
#include "core/Settings.h"
#include "secrets/SecretStore.h"
#include "store/ConnectionFactory.h"
#include "store/Db.h"

#include <QString>

#include <memory>

namespace cr {

class Clock;
class KeyWrapper;

// The first steps of every start, shared by the Engine and the command-line verbs
// (`coderunner-server user add`, `keys rotate`): the data directory, the database (opened and
// migrated), and the master key from the secret store (docs/SECRETS.md). Runs in the calling
// thread; nothing here listens or starts threads of its own.
class StorageBootstrap
{
public:
    struct Database
    {
        std::unique_ptr<Db> db; // the migration connection, usable in the calling thread only
        std::unique_ptr<ConnectionFactory> factory;
        int schemaVersion = 0;
        QString backend;     // sqlite | postgresql
        QString redactedUrl; // for logs and /api/admin/system
    };

    // Creates the data directory (0700) if needed.
    static Status prepareDataDir(const Settings &settings);
    // Opens the configured database and applies the migrations.
    static Result<Database> openDatabase(const Settings &settings, const Clock &clock);
    // The master key from the store the database records (or, on a first start, the configured
    // one; `autoKind` is what "auto" means for this executable). Waits in a local event loop;
    // every store operation is bounded by keychainTimeoutMs.
    static Result<std::shared_ptr<const KeyWrapper>> loadMasterKey(const Settings &settings, Db &db,
                                                                   SecretStoreKind autoKind);
};

} // namespace cr
