#pragma once

#include "core/Result.h"
#include "core/Settings.h"
#include "secrets/MasterKeyBootstrap.h"

#include <QObject>

#include <memory>

namespace cr {

class CircuitBreakers;
class Clock;
class Db;
class Identity;
class IdentityGate;
class KeyWrapper;
class Metrics;
class StoragePool;

// The engine's storage side: the database (opened and migrated at start, then the storage
// pool), the master key (before listening, or after it: the console's keychain) and the identity
// module on top of them. Lives in the engine's thread; the engine forwards its signals.
class IdentityHost : public QObject
{
    Q_OBJECT
public:
    IdentityHost(const Settings &settings, const Clock &clock, std::shared_ptr<Metrics> metrics,
                 CircuitBreakers &breakers, QObject *parent = nullptr);
    ~IdentityHost() override;

    // Before start(): see Engine::setKeyWrapper, setMasterKeyLoading, setSecretStoreFactory.
    void setKeyWrapper(std::shared_ptr<const KeyWrapper> wrapper);
    void setMasterKeyLoading(SecretStoreKind autoKind, bool afterListening);
    void setSecretStoreFactory(MasterKeyBootstrap::StoreFactory factory);

    // Opens and migrates the database, loads the master key (unless it comes after listening),
    // opens the identity module and starts the storage pool. On failure, stop() cleans up.
    Status start();
    // Once the server listens: loads the master key now if it was left for later, else says
    // ready() (queued either way).
    void finishStart();
    // The identity thread first (no continuation runs any more), then the pool (running jobs
    // finish; they may still touch the identity state), then the identity module itself.
    void stop();

    bool isReady() const; // the master key and the signing keys are loaded
    Identity *identity() const { return m_identity.get(); }
    StoragePool *pool() const { return m_pool.get(); }
    // Holds identity routes and credentials back until the key is there (IdentityGate).
    IdentityGate &gate() const { return *m_gate; }
    int schemaVersion() const { return m_schemaVersion; }
    QString databaseBackend() const { return m_databaseBackend; }
    QString databaseUrl() const { return m_databaseUrl; } // redacted
    std::shared_ptr<const KeyWrapper> keyWrapper() const { return m_keyWrapper; }
    // Where the master key came from ("keyfile", "keychain"); empty after setKeyWrapper.
    QString secretStoreKind() const { return m_secretStoreKind; }

Q_SIGNALS:
    // Once per start: identity works / will not work (the reason).
    void ready();
    void unavailable(const QString &reason);

private:
    Status loadMasterKey(Db &db);
    void loadMasterKeyAfterListening();
    void failed(const QString &reason);

    const Settings &m_settings;
    const Clock &m_clock;
    std::shared_ptr<Metrics> m_metrics;
    CircuitBreakers &m_breakers;
    std::shared_ptr<const KeyWrapper> m_keyWrapper;
    std::unique_ptr<StoragePool> m_pool;
    std::unique_ptr<Identity> m_identity;
    int m_schemaVersion = 0;
    QString m_databaseBackend;
    QString m_databaseUrl;
    QString m_secretStoreKind;
    SecretStoreKind m_autoStore = SecretStoreKind::KeyFile;
    bool m_keyAfterListening = false;
    MasterKeyBootstrap::StoreFactory m_storeFactory;
    std::shared_ptr<IdentityGate> m_gate;
    std::unique_ptr<Db> m_keyDb; // the start's connection, kept while the key loads after listening
};

} // namespace cr
