#include "identity/ApiKeyService.h"

#include "identity/ApiKeyIndex.h"
#include "identity/ApiKeyRepository.h"
#include "identity/AuditRepository.h"
#include "identity/OpaqueToken.h"
#include "identity/SessionService.h"
#include "identity/UserStates.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

namespace cr {
namespace {

Error keyNotFound()
{
    return Error::make(ErrorCode::NotFound, QStringLiteral("API key not found"));
}

} // namespace

ApiKeyService::ApiKeyService(const IdentityEnv &env)
    : m_env(env)
{}

void ApiKeyService::list(const Caller &caller, const PageRequest &page, Done<Page<ApiKey>> done)
{
    if (auto refusal = SessionService::refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<Page<ApiKey>>(
        env.context,
        [&env, caller, page](Db &db) -> Result<Page<ApiKey>> {
            Result<Page<ApiKey>> p = ApiKeyRepository::listForUser(db, caller.userId(), page);
            if (!p)
                return p;
            for (ApiKey &k : p.value().items)
                k.lastUsedAtMs = qMax(k.lastUsedAtMs, env.apiKeys->lastUsed(k.id));
            return p;
        },
        done);
}

void ApiKeyService::get(const Caller &caller, const QString &id, Done<ApiKey> done)
{
    if (auto refusal = SessionService::refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<ApiKey>(
        env.context,
        [&env, caller, id](Db &db) -> Result<ApiKey> {
            Result<std::optional<ApiKey>> k = ApiKeyRepository::find(db, id, caller.userId());
            if (!k)
                return k.error();
            if (!k.value())
                return keyNotFound();
            ApiKey key = *k.value();
            key.lastUsedAtMs = qMax(key.lastUsedAtMs, env.apiKeys->lastUsed(key.id));
            return key;
        },
        done);
}

void ApiKeyService::create(const Caller &caller, const Request &request, Done<Created> done)
{
    if (auto refusal = SessionService::refuseApiKey(caller))
        return done(*refusal);
    const std::optional<UserStates::State> owner = m_env.users->find(caller.userId());
    if (!owner)
        return done(Error::make(ErrorCode::Unauthorized, QStringLiteral("Account not found")));
    const QString name = request.name.trimmed();
    Error invalid = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
    if (name.isEmpty() || name.size() > IdentityOptions::kMaxNameLength)
        invalid.fields.append(
            {QStringLiteral("name"), QStringLiteral("must be 1 to 100 characters")});
    if (request.expiresAtMs != 0 && request.expiresAtMs <= m_env.now())
        invalid.fields.append(
            {QStringLiteral("expiresAt"), QStringLiteral("must be in the future")});
    if (!invalid.fields.isEmpty())
        return done(invalid);
    const Role role = request.role.value_or(owner->role);
    if (role > owner->role)
        return done(Error::make(ErrorCode::Forbidden,
                                QStringLiteral("An API key cannot have a higher role than its "
                                               "owner")));
    Created created;
    created.secret = OpaqueToken::newApiKey();
    ApiKey &key = created.key;
    key.id = IdentityEnv::newId();
    key.userId = caller.userId();
    key.name = name;
    key.keyHash = OpaqueToken::hash(created.secret);
    key.role = role;
    key.createdAtMs = m_env.now();
    key.expiresAtMs = request.expiresAtMs;

    const IdentityEnv &env = m_env;
    env.pool->run<Created>(
        env.context,
        [&env, caller, created](Db &db) -> Result<Created> {
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            const Result<qint64> count = ApiKeyRepository::countForUser(db, caller.userId());
            if (!count)
                return count.error();
            if (count.value() >= IdentityOptions::kMaxApiKeysPerUser)
                return Error::make(ErrorCode::Conflict,
                                   QStringLiteral("Too many API keys: revoke one first"));
            if (Status st = ApiKeyRepository::insert(db, created.key); !st)
                return st.error();
            if (Status st = AuditRepository::append(
                    db, env.audit(caller, QStringLiteral("auth.api_key.create"), created.key.id,
                                  AuditEntry::kSuccess,
                                  {{QStringLiteral("name"), created.key.name},
                                   {QStringLiteral("role"), User::roleText(created.key.role)}}));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            env.apiKeys->put(created.key);
            return created;
        },
        done);
}

void ApiKeyService::revoke(const Caller &caller, const QString &id, Done<bool> done)
{
    if (auto refusal = SessionService::refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<bool>(
        env.context,
        [&env, caller, id](Db &db) -> Result<bool> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            const Result<int> n = ApiKeyRepository::revoke(db, id, caller.userId(), now);
            if (!n)
                return n.error();
            if (n.value() == 0)
                return keyNotFound();
            if (Status st = AuditRepository::append(
                    db, env.audit(caller, QStringLiteral("auth.api_key.revoke"), id,
                                  AuditEntry::kSuccess));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            env.apiKeys->remove(id);
            return true;
        },
        done);
}

void ApiKeyService::flushUsage()
{
    const QList<QPair<QString, qint64>> usage = m_env.apiKeys->takeUsage();
    if (usage.isEmpty())
        return;
    m_env.pool->run<int>(
        m_env.context,
        [usage](Db &db) -> Result<int> {
            int n = 0;
            for (const auto &u : usage) {
                if (Result<int> r = ApiKeyRepository::recordUse(db, u.first, u.second); r)
                    n += r.value();
            }
            return n;
        },
        [](Result<int>) {});
}

} // namespace cr
