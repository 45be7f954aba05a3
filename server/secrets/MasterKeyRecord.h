#pragma once

#include "core/Result.h"
#include "secrets/SecretStore.h"

#include <QString>

#include <optional>

namespace cr {

class Db;

// What the database says about its master key: which store holds it and its id. Two rows of
// settings_kv (migration 1): `master_key.store` ("keychain" | "keyfile") and `master_key.id`.
// Their presence means data may exist that only this key opens: CodeRunner then reads the key
// and never creates another one (MasterKeyBootstrap).
//
// Synchronous, on the Db of the calling thread (start-up: the thread that ran the Migrator).
class MasterKeyRecord
{
public:
    MasterKeyRecord() = default;
    MasterKeyRecord(SecretStoreKind store, QString keyId);

    SecretStoreKind store() const { return m_store; }
    const QString &keyId() const { return m_keyId; }

    // The record, or an empty optional when the database has none. Half a record (one of the
    // two rows) or an unknown store name is an error: it is never treated as "no record".
    static Result<std::optional<MasterKeyRecord>> load(Db &db);
    // Records it in one transaction unless a record exists (first writer wins: several
    // instances may start at once). A different record already there is CONFLICT.
    static Status save(Db &db, const MasterKeyRecord &record);

    static QString storeSettingKey(); // "master_key.store"
    static QString idSettingKey();    // "master_key.id"

private:
    SecretStoreKind m_store = SecretStoreKind::KeyFile;
    QString m_keyId;
};

} // namespace cr
