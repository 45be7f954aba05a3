#include "identity/AdminService.h"

#include "identity/AuditRepository.h"
#include "identity/ProfileCache.h"
#include "identity/RevocationSet.h"
#include "identity/SessionService.h"
#include "identity/UserRepository.h"
#include "identity/UserStates.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

namespace cr {

AdminService::AdminService(const IdentityEnv &env)
    : m_env(env)
{}

void AdminService::listUsers(const PageRequest &page, Done<Page<User>> done)
{
    m_env.pool->run<Page<User>>(
        m_env.context,
        [page](Db &db) -> Result<Page<User>> { return UserRepository::list(db, page); }, done);
}

void AdminService::recordAction(const Caller &caller, const QString &action, const QString &target,
                                const QJsonObject &details) const
{
    m_env.recordAsync(m_env.audit(caller, action, target, AuditEntry::kSuccess, details));
}

void AdminService::auditLog(const PageRequest &page, Done<Page<AuditEntry>> done)
{
    m_env.pool->run<Page<AuditEntry>>(
        m_env.context,
        [page](Db &db) -> Result<Page<AuditEntry>> { return AuditRepository::list(db, page); },
        done);
}

Result<AdminService::Applied> AdminService::applyInJob(Db &db, const IdentityEnv &env,
                                                       const Caller &caller, const QString &userId,
                                                       const UserChange &change)
{
    const qint64 now = env.now();
    Result<std::optional<User>> found = UserRepository::findById(db, userId);
    if (!found)
        return found.error();
    if (!found.value())
        return Error::make(ErrorCode::NotFound, QStringLiteral("User not found"));
    Applied a;
    a.before = *found.value();
    a.after = a.before;
    QJsonObject details;
    if (change.role && *change.role != a.before.role) {
        if (Result<int> n = UserRepository::setRole(db, userId, *change.role, now); !n)
            return n.error();
        a.after.role = *change.role;
        a.after.roleChangedAtMs = now;
        a.after.updatedAtMs = now;
        details.insert(QStringLiteral("role"),
                       QJsonObject{{QStringLiteral("from"), User::roleText(a.before.role)},
                                   {QStringLiteral("to"), User::roleText(a.after.role)}});
    }
    if (change.disabled && *change.disabled != a.before.disabled) {
        if (Result<int> n = UserRepository::setDisabled(db, userId, *change.disabled, now); !n)
            return n.error();
        a.after.disabled = *change.disabled;
        a.after.updatedAtMs = now;
        details.insert(QStringLiteral("disabled"),
                       QJsonObject{{QStringLiteral("from"), a.before.disabled},
                                   {QStringLiteral("to"), a.after.disabled}});
    }
    if (a.after.disabled && change.disabled && *change.disabled) {
        // Disabling (or confirming it) ends every session.
        Result<QStringList> families = SessionService::revokeAllInJob(db, userId, QString(), now);
        if (!families)
            return families.error();
        a.revokedSessions = families.value();
        details.insert(QStringLiteral("sessionsRevoked"), int(a.revokedSessions.size()));
    }
    if (!details.isEmpty()) {
        if (Status st =
                AuditRepository::append(db, env.audit(caller, QStringLiteral("admin.user.update"),
                                                      userId, AuditEntry::kSuccess, details));
            !st)
            return st.error();
    }
    return a;
}

void AdminService::applyCommitted(const IdentityEnv &env, const Applied &a, qint64 atMs)
{
    const QString &id = a.after.id;
    env.profileCache->forget(id);
    if (a.after.role != a.before.role) {
        env.users->setRole(id, a.after.role);
        env.revocations->revokeUserBefore(id, atMs);
    }
    if (a.after.disabled != a.before.disabled) {
        env.users->setDisabled(id, a.after.disabled);
        if (a.after.disabled)
            env.revocations->revokeUserBefore(id, atMs);
    }
    env.revocations->revokeSessions(a.revokedSessions, atMs);
}

void AdminService::updateUser(const Caller &caller, const QString &userId, const UserChange &change,
                              Done<User> done)
{
    if (userId == caller.userId())
        return done(Error::make(ErrorCode::Forbidden,
                                QStringLiteral("Administrators cannot change their own role or "
                                               "disable their own account")));
    const IdentityEnv &env = m_env;
    env.pool->run<User>(
        env.context,
        [&env, caller, userId, change](Db &db) -> Result<User> {
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            Result<Applied> applied = applyInJob(db, env, caller, userId, change);
            if (!applied)
                return applied.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            applyCommitted(env, applied.value(), env.now());
            return applied.value().after;
        },
        done);
}

} // namespace cr
