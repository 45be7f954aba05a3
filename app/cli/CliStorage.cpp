#include "CliStorage.h"

#include "core/KeyWrapper.h"
#include "store/ConnectionFactory.h"
#include "store/Db.h"

cr::Result<CliStorage> CliStorage::open(const cr::Settings &settings, const cr::Clock &clock)
{
    if (cr::Status st = cr::StorageBootstrap::prepareDataDir(settings); !st)
        return st.error();
    cr::Result<cr::StorageBootstrap::Database> database =
        cr::StorageBootstrap::openDatabase(settings, clock);
    if (!database)
        return database.error();
    CliStorage out;
    out.m_database = std::move(database).value();
    cr::Result<std::shared_ptr<const cr::KeyWrapper>> key = cr::StorageBootstrap::loadMasterKey(
        settings, *out.m_database.db, cr::SecretStoreKind::KeyFile);
    if (!key)
        return key.error();
    out.m_masterKey = key.value();
    return out;
}
