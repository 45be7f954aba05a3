#pragma once

#include "core/Result.h"
#include "identity/IdentityEnv.h"
#include "identity/IdentityOptions.h"
#include "identity/RevocationSet.h"

#include <QJsonObject>
#include <QMutex>

#include <atomic>
#include <functional>
#include <memory>

class QThread;

namespace cr {

class AccountService;
class AdminService;
class ApiKeyIndex;
class ApiKeyService;
class Authenticator;
class Clock;
class Db;
class JwtCodec;
class KeySet;
class KeyWrapper;
class PasswordHasher;
class PasswordPolicy;
class ProfileCache;
class ProfileService;
class RevocationSet;
class SessionService;
class StoragePool;
class TokenAuthenticator;
class UserProvisioning;
class UserStates;
class VerifiedTokenCache;

// The identity module put together (docs/AUTH.md): signing keys, the token codec and cache, the
// in-memory state the authenticator reads (UserStates, RevocationSet, ApiKeyIndex), the password
// hasher and policy, and the services the controllers call.
//
// Life cycle, driven by the Engine:
//   open(db)      at start, on the migration connection: loads or creates the signing keys,
//                 loads the in-memory state, applies the adminEmail bootstrap;
//   start(pool)   starts the identity thread (cr-identity), where every continuation of a
//                 service runs, and hands the services the storage pool;
//   stop()        ends the identity thread (pending continuations are dropped); then the
//                 Engine stops the pool, then destroys this object.
// The in-memory state is per process: several instances sharing one PostgreSQL database do not
// see each other's revocations until they restart.
class Identity
{
public:
    static Result<std::unique_ptr<Identity>> open(const IdentityOptions &options,
                                                  const Clock &clock, Db &db,
                                                  std::shared_ptr<const KeyWrapper> wrapper);
    // The same without the signing keys, for a start that loads the master key after
    // listening (the console's keychain): installKeys() follows once the key is there. Until
    // then no token can be issued or verified.
    static Result<std::unique_ptr<Identity>> openWithoutKeys(const IdentityOptions &options,
                                                             const Clock &clock, Db &db);
    // Loads (or creates and stores) the signing keys wrapped under `wrapper`; null: in memory
    // only. On a connection of the calling thread.
    Status installKeys(Db &db, std::shared_ptr<const KeyWrapper> wrapper);
    ~Identity();
    Identity(const Identity &) = delete;
    Identity &operator=(const Identity &) = delete;

    void start(StoragePool &pool);
    void stop();

    std::shared_ptr<const Authenticator> authenticator() const;
    AccountService &accounts() { return *m_accounts; }
    ProfileService &profiles() { return *m_profiles; }
    SessionService &sessions() { return *m_sessions; }
    ApiKeyService &apiKeys() { return *m_apiKeys; }
    AdminService &admin() { return *m_admin; }
    UserProvisioning &provisioning() { return *m_provisioning; }
    const PasswordPolicy &passwordPolicy() const { return *m_policy; }
    PasswordHasher &passwordHasher() { return *m_hasher; } // tools and tests (setPaused)
    const IdentityOptions &options() const { return m_env.options; }

    // Before start(): who is told about revocations (the WebSocket hub closes the sockets of
    // revoked sessions). See RevocationSet::Listener.
    void setRevocationListener(RevocationSet::Listener listener);

    // Reads the signing keys from the database again (in a storage job) and installs them when
    // they changed (`coderunner-server keys rotate`, another instance). Runs by itself every
    // signingKeyReloadMs once started; `done` (identity thread) says whether they changed.
    void reloadKeys(std::function<void(bool changed)> done = {});

    // {"keys":[…]}: the body of GET /.well-known/jwks.json.
    QJsonObject jwks() const;
    // Whether the signing keys are stored (wrapped); false: in memory only.
    bool keysPersisted() const { return m_keysPersisted.load(); }
    QString currentKeyId() const;

private:
    Identity(const IdentityOptions &options, const Clock &clock);
    Status load(Db &db);
    Status bootstrapAdmin(Db &db);
    void housekeeping();

    const Clock &m_clock;
    std::shared_ptr<KeySet> m_keys;
    std::unique_ptr<JwtCodec> m_codec;
    std::unique_ptr<VerifiedTokenCache> m_cache;
    std::unique_ptr<RevocationSet> m_revocations;
    std::unique_ptr<UserStates> m_users;
    std::unique_ptr<ProfileCache> m_profileCache;
    std::unique_ptr<ApiKeyIndex> m_apiKeyIndex;
    std::unique_ptr<PasswordPolicy> m_policy;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::shared_ptr<TokenAuthenticator> m_authenticator;
    IdentityEnv m_env;
    std::unique_ptr<SessionService> m_sessions;
    std::unique_ptr<ProfileService> m_profiles;
    std::unique_ptr<AccountService> m_accounts;
    std::unique_ptr<ApiKeyService> m_apiKeys;
    std::unique_ptr<AdminService> m_admin;
    std::unique_ptr<UserProvisioning> m_provisioning;
    std::atomic<bool> m_keysPersisted{false};
    mutable QMutex m_wrapperMutex;
    std::shared_ptr<const KeyWrapper> m_wrapper; // guarded by m_wrapperMutex
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;
};

} // namespace cr
