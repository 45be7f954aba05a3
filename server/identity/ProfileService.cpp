#include "identity/ProfileService.h"

#include "auth/PasswordHasher.h"
#include "auth/PasswordPolicy.h"
#include "identity/AccountRules.h"
#include "identity/AuditRepository.h"
#include "identity/EmailAddress.h"
#include "identity/ProfileCache.h"
#include "identity/RevocationSet.h"
#include "identity/SessionService.h"
#include "identity/UserRepository.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

#include <QJsonArray>

namespace cr {
namespace {

Error mapConflict(const Error &e)
{
    return AccountRules::mapConflict(e);
}

Error accountGone()
{
    return Error::make(ErrorCode::NotFound, QStringLiteral("Account not found"));
}

// The caller's own account, which must still exist.
Result<User> existingUser(Db &db, const QString &id)
{
    Result<std::optional<User>> u = UserRepository::findById(db, id);
    if (!u)
        return u.error();
    if (!u.value())
        return accountGone();
    return *u.value();
}

} // namespace

ProfileService::ProfileService(const IdentityEnv &env)
    : m_env(env)
{}

void ProfileService::profile(const Caller &caller, Done<User> done)
{
    ProfileCache &cache = *m_env.profileCache;
    if (std::optional<User> cached = cache.find(caller.userId()))
        return done(*cached);
    const quint64 generation = cache.generation();
    m_env.pool->run<User>(
        m_env.context, [id = caller.userId()](Db &db) { return existingUser(db, id); },
        [&cache, generation, done](Result<User> user) {
            if (user)
                cache.store(user.value(), generation);
            done(std::move(user));
        });
}

void ProfileService::updateProfile(const Caller &caller, const ProfileUpdate &in, Done<User> done)
{
    ProfileUpdate update = in;
    Error invalid = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
    if (update.name) {
        update.name = update.name->trimmed();
        if (update.name->size() > IdentityOptions::kMaxNameLength)
            invalid.fields.append(
                {QStringLiteral("name"), QStringLiteral("must be at most 100 characters")});
    }
    if (update.email) {
        update.email = EmailAddress::normalize(*update.email);
        if (!EmailAddress::isValid(*update.email))
            invalid.fields.append(
                {QStringLiteral("email"), QStringLiteral("must be a valid e-mail address")});
    }
    if (!invalid.fields.isEmpty())
        return done(invalid);
    const IdentityEnv &env = m_env;
    env.pool->run<User>(
        env.context,
        [&env, caller, update](Db &db) -> Result<User> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            Result<User> found = existingUser(db, caller.userId());
            if (!found)
                return found.error();
            User u = found.value();
            QStringList changed;
            if (update.name && *update.name != u.name)
                changed << QStringLiteral("name");
            if (update.email && *update.email != u.email)
                changed << QStringLiteral("email");
            u.name = update.name.value_or(u.name);
            u.email = update.email.value_or(u.email);
            if (!changed.isEmpty()) {
                u.updatedAtMs = now;
                if (Result<int> n = UserRepository::updateProfile(db, u.id, u.name, u.email, now);
                    !n)
                    return mapConflict(n.error());
                if (Status st = AuditRepository::append(
                        db, env.audit(
                                caller, QStringLiteral("auth.profile.update"), u.id,
                                AuditEntry::kSuccess,
                                {{QStringLiteral("fields"), QJsonArray::fromStringList(changed)}}));
                    !st)
                    return st.error();
            }
            if (!update.ignoredFields.isEmpty()) {
                if (Status st = AuditRepository::append(
                        db, env.audit(caller, QStringLiteral("auth.profile.ignored_fields"), u.id,
                                      AuditEntry::kDenied,
                                      {{QStringLiteral("fields"),
                                        QJsonArray::fromStringList(update.ignoredFields)}}));
                    !st)
                    return st.error();
            }
            if (Status st = tx.commit(); !st)
                return mapConflict(st.error());
            env.profileCache->forget(u.id);
            return u;
        },
        done);
}

void ProfileService::changePassword(const Caller &caller, const QString &oldPassword,
                                    const QString &newPassword, Done<int> done)
{
    if (auto refusal = SessionService::refuseApiKey(caller))
        return done(*refusal);
    m_env.pool->run<User>(
        m_env.context, [id = caller.userId()](Db &db) { return existingUser(db, id); },
        [this, caller, oldPassword, newPassword, done](Result<User> user) {
            if (!user)
                return done(user.error());
            if (std::optional<Error> weak =
                    AccountRules::checkPassword(*m_env.policy, newPassword, user.value().email))
                return done(*weak);
            m_env.hasher->verify(oldPassword, user.value().passwordHash, m_env.context,
                                 [this, caller, newPassword, done](Result<bool> ok) {
                                     if (!ok && ok.error().code == ErrorCode::Overloaded)
                                         return done(ok.error());
                                     if (!ok || !ok.value())
                                         return refusePasswordChange(caller, done);
                                     m_env.hasher->hash(
                                         newPassword, m_env.context,
                                         [this, caller, done](Result<QByteArray> hash) {
                                             if (!hash)
                                                 return done(hash.error());
                                             storePassword(caller, hash.value(), done);
                                         });
                                 });
        });
}

void ProfileService::refusePasswordChange(const Caller &caller, Done<int> done)
{
    m_env.recordAsync(m_env.audit(
        caller, QStringLiteral("auth.password.change"), caller.userId(), AuditEntry::kFailure,
        {{QStringLiteral("reason"), QStringLiteral("wrong current password")}}));
    done(Error::make(ErrorCode::InvalidCredentials,
                     QStringLiteral("The current password is wrong")));
}

// The new hash, and every other session of the account revoked, in one transaction.
void ProfileService::storePassword(const Caller &caller, const QByteArray &hash, Done<int> done)
{
    const IdentityEnv &env = m_env;
    env.pool->run<int>(
        env.context,
        [&env, caller, hash](Db &db) -> Result<int> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            if (Result<int> n = UserRepository::updatePassword(db, caller.userId(), hash, now); !n)
                return n.error();
            Result<QStringList> families =
                SessionService::revokeAllInJob(db, caller.userId(), caller.sessionId(), now);
            if (!families)
                return families.error();
            if (Status st = AuditRepository::append(
                    db,
                    env.audit(caller, QStringLiteral("auth.password.change"), caller.userId(),
                              AuditEntry::kSuccess,
                              {{QStringLiteral("sessionsRevoked"), int(families.value().size())}}));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            env.profileCache->forget(caller.userId());
            env.revocations->revokeSessions(families.value(), now);
            return int(families.value().size());
        },
        done);
}

} // namespace cr
