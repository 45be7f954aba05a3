#include "secrets/MasterKeyRecord.h"

#include "store/Db.h"
#include "store/Transaction.h"

namespace cr {

MasterKeyRecord::MasterKeyRecord(SecretStoreKind store, QString keyId)
    : m_store(store)
    , m_keyId(std::move(keyId))
{}

QString MasterKeyRecord::storeSettingKey()
{
    return QStringLiteral("master_key.store");
}

QString MasterKeyRecord::idSettingKey()
{
    return QStringLiteral("master_key.id");
}

Result<std::optional<MasterKeyRecord>> MasterKeyRecord::load(Db &db)
{
    const Result<Rows> rows = db.query(Sql("SELECT key, value FROM settings_kv"
                                           " WHERE key = ? OR key = ?"),
                                       {storeSettingKey(), idSettingKey()});
    if (!rows)
        return rows.error();
    QString store;
    QString id;
    bool hasStore = false;
    bool hasId = false;
    for (int i = 0; i < rows.value().size(); ++i) {
        const QString key = rows.value().value(i, 0).toString();
        const QString value = rows.value().value(i, 1).toString();
        if (key == storeSettingKey()) {
            store = value;
            hasStore = true;
        } else if (key == idSettingKey()) {
            id = value;
            hasId = true;
        }
    }
    if (!hasStore && !hasId)
        return std::optional<MasterKeyRecord>();
    if (hasStore != hasId || id.isEmpty())
        return Error::make(ErrorCode::Internal,
                           QStringLiteral("the database records its master key only partially "
                                          "(settings_kv %1 / %2); restore the database or the "
                                          "record (see docs/SECRETS.md)")
                               .arg(storeSettingKey(), idSettingKey()));
    const std::optional<SecretStoreKind> kind = parseSecretStoreKind(store);
    if (!kind)
        return Error::make(ErrorCode::Internal,
                           QStringLiteral("the database records its master key in an unknown "
                                          "store \"%1\"")
                               .arg(store));
    return std::optional<MasterKeyRecord>(MasterKeyRecord(*kind, id));
}

Status MasterKeyRecord::save(Db &db, const MasterKeyRecord &record)
{
    {
        Transaction tx(db);
        if (!tx.begun())
            return tx.begun().error();
        const Result<int> store = db.exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"
                                              " ON CONFLICT (key) DO NOTHING"),
                                          {storeSettingKey(), secretStoreKindName(record.store())});
        if (!store)
            return store.error();
        const Result<int> id = db.exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"
                                           " ON CONFLICT (key) DO NOTHING"),
                                       {idSettingKey(), record.keyId()});
        if (!id)
            return id.error();
        if (Status committed = tx.commit(); !committed)
            return committed;
    }
    const Result<std::optional<MasterKeyRecord>> stored = load(db);
    if (!stored)
        return stored.error();
    if (!stored.value() || stored.value()->store() != record.store() ||
        stored.value()->keyId() != record.keyId())
        return Error::make(ErrorCode::Conflict,
                           QStringLiteral("the database already records another master key "
                                          "(another instance started at the same time?); "
                                          "start again"));
    return {};
}

} // namespace cr
