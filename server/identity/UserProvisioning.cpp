#include "identity/UserProvisioning.h"

#include "auth/PasswordHasher.h"
#include "core/Clock.h"
#include "identity/AccountRules.h"
#include "identity/AuditRepository.h"
#include "identity/EmailAddress.h"
#include "identity/IdentityLogging.h"
#include "identity/ProfileCache.h"
#include "identity/UserRepository.h"
#include "identity/UserStates.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

namespace cr {

UserProvisioning::UserProvisioning(const IdentityEnv &env)
    : m_env(env)
{}

Result<UserProvisioning::Request> UserProvisioning::prepare(const Request &in,
                                                            const PasswordPolicy &policy)
{
    Request r = in;
    r.email = EmailAddress::normalize(in.email);
    r.name = in.name.trimmed();
    if (std::optional<Error> invalid = AccountRules::checkEmailAndName(r.email, r.name))
        return *invalid;
    if (r.role == Role::Anonymous)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("role must be viewer, developer, operator or admin"));
    if (std::optional<Error> weak = AccountRules::checkPassword(policy, r.password, r.email))
        return *weak;
    return r;
}

Result<User> UserProvisioning::insert(Db &db, const Clock &clock, const Request &r,
                                      const QByteArray &hash, const QString &actorId)
{
    const qint64 now = clock.wallMs();
    User u;
    u.id = IdentityEnv::newId();
    u.email = r.email;
    u.name = r.name;
    u.passwordHash = hash;
    u.role = r.role;
    u.createdAtMs = u.updatedAtMs = now;
    Transaction tx(db);
    if (!tx.begun())
        return tx.begun().error();
    if (r.firstAdminOnly) {
        const Result<bool> any = UserRepository::anyAdmin(db);
        if (!any)
            return any.error();
        if (any.value())
            return Error::make(ErrorCode::Conflict,
                               QStringLiteral("An administrator exists already"));
    }
    if (Status st = UserRepository::insert(db, u); !st)
        return AccountRules::mapConflict(st.error());
    AuditEntry entry;
    entry.atMs = now;
    entry.actorId = actorId;
    entry.action = QString::fromLatin1(kAuditAction);
    entry.target = u.id;
    entry.result = QString::fromLatin1(AuditEntry::kSuccess);
    entry.details = {
        {QStringLiteral("email"), u.email},
        {QStringLiteral("role"), User::roleText(u.role)},
        {QStringLiteral("source"), r.source},
        {QStringLiteral("description"), QStringLiteral("user created from the %1").arg(r.source)}};
    if (Status st = AuditRepository::append(db, entry); !st)
        return st.error();
    if (Status st = tx.commit(); !st)
        return AccountRules::mapConflict(st.error());
    return u;
}

void UserProvisioning::create(const Request &request, const Caller &caller, Done<User> done)
{
    Result<Request> prepared = prepare(request, *m_env.policy);
    if (!prepared)
        return done(prepared.error());
    const Request r = prepared.value();
    m_env.hasher->hash(r.password, m_env.context, [this, r, caller, done](Result<QByteArray> hash) {
        if (!hash)
            return done(hash.error());
        const IdentityEnv &env = m_env;
        env.pool->run<User>(
            env.context,
            [&env, r, h = hash.value(), actor = caller.userId()](Db &db) -> Result<User> {
                Result<User> u = insert(db, *env.clock, r, h, actor);
                if (u) {
                    env.users->put(u.value().id, UserStates::State{u.value().role, false});
                    env.profileCache->forget(u.value().id);
                }
                return u;
            },
            [done, source = r.source](Result<User> u) {
                if (u)
                    qCInfo(lcIdentity).noquote()
                        << "created the" << User::roleText(u.value().role) << "account"
                        << u.value().id << "from the" << source;
                done(std::move(u));
            });
    });
}

void UserProvisioning::needsFirstAdmin(Done<bool> done)
{
    m_env.pool->run<bool>(
        m_env.context,
        [](Db &db) -> Result<bool> {
            const Result<bool> any = UserRepository::anyAdmin(db);
            if (!any)
                return any.error();
            return !any.value();
        },
        std::move(done));
}

} // namespace cr
