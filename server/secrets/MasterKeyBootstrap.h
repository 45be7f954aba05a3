#pragma once

#include "core/Result.h"
#include "secrets/MasterKey.h"
#include "secrets/MasterKeyRecord.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretStoreFactory.h"

#include <functional>
#include <memory>

class QObject;

namespace cr {

class Db;

// Finds the master key at start-up (docs/SECRETS.md), asynchronously because the keychain is:
// the engine listens first and starts what needs secrets once the answer comes.
//
// - The database records a key (MasterKeyRecord): the key is read from the recorded store. A
//   missing key stops start-up with "the master key <id> expected in <store> is missing;
//   restore it ..."; a key with another id is refused too. Nothing is created: a new key would
//   orphan everything wrapped under the old one. With `secretStore` = auto the recorded store
//   is used; an explicit setting that names another store is refused.
// - No record: the chosen store is read. A key already there (a cluster's shared key file) is
//   adopted; none at all is the one case where a key is minted: generated, written to the
//   store, and only then recorded with its id.
//
// `db` is used in the calling thread, which is the context's; it must stay valid until `done`
// was called (or the context destroyed, which drops the answer).
class MasterKeyBootstrap : public std::enable_shared_from_this<MasterKeyBootstrap>
{
public:
    using StoreFactory = std::function<std::unique_ptr<SecretStore>(SecretStoreKind)>;
    using Done = std::function<void(Result<MasterKey>)>;

    // `done` is called exactly once, from the event loop of the context's thread.
    static void run(QObject *context, Db &db, SecretStoreChoice choice, StoreFactory stores,
                    Done done);

    // The refusal when the recorded key is not in its store (also used by docs and tests).
    static QString missingKeyMessage(const QString &keyId, const QString &location);

    MasterKeyBootstrap(QObject *context, Db &db, SecretStoreChoice choice, StoreFactory stores,
                       Done done);

private:
    void start();
    void readRecorded(const MasterKeyRecord &record);
    void firstStart();
    void mint();
    void record(const MasterKey &key, const char *how);
    void finish(Result<MasterKey> result);

    QObject *m_context;
    Db &m_db;
    SecretStoreChoice m_choice;
    StoreFactory m_stores;
    Done m_done;
    std::unique_ptr<SecretStore> m_store;
};

} // namespace cr
