#pragma once

#include "core/Result.h"
#include "identity/IdentityEnv.h"
#include "identity/IdentityOptions.h"

#include <QJsonObject>

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
class RevocationSet;
class SessionService;
class StoragePool;
class TokenAuthenticator;
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
    ~Identity();
    Identity(const Identity &) = delete;
    Identity &operator=(const Identity &) = delete;

    void start(StoragePool &pool);
    void stop();

    std::shared_ptr<const Authenticator> authenticator() const;
    AccountService &accounts() { return *m_accounts; }
    SessionService &sessions() { return *m_sessions; }
    ApiKeyService &apiKeys() { return *m_apiKeys; }
    AdminService &admin() { return *m_admin; }
    const PasswordPolicy &passwordPolicy() const { return *m_policy; }
    PasswordHasher &passwordHasher() { return *m_hasher; } // tools and tests (setPaused)
    const IdentityOptions &options() const { return m_env.options; }

    // {"keys":[…]}: the body of GET /.well-known/jwks.json.
    QJsonObject jwks() const;
    // Whether the signing keys are stored (wrapped); false: in memory only.
    bool keysPersisted() const { return m_keysPersisted; }
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
    std::unique_ptr<ApiKeyIndex> m_apiKeyIndex;
    std::unique_ptr<PasswordPolicy> m_policy;
    std::unique_ptr<PasswordHasher> m_hasher;
    std::shared_ptr<TokenAuthenticator> m_authenticator;
    IdentityEnv m_env;
    std::unique_ptr<SessionService> m_sessions;
    std::unique_ptr<AccountService> m_accounts;
    std::unique_ptr<ApiKeyService> m_apiKeys;
    std::unique_ptr<AdminService> m_admin;
    bool m_keysPersisted = false;
    QThread *m_thread = nullptr;
    QObject *m_context = nullptr;
};

} // namespace cr
