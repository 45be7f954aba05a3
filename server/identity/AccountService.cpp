#include "identity/AccountService.h"

#include "auth/PasswordHasher.h"
#include "auth/PasswordPolicy.h"
#include "identity/AccountRules.h"
#include "identity/AuditRepository.h"
#include "identity/EmailAddress.h"
#include "identity/IdentityLogging.h"
#include "identity/ProfileCache.h"
#include "identity/RevocationSet.h"
#include "identity/SessionService.h"
#include "identity/UserRepository.h"
#include "identity/UserStates.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

#include <QJsonArray>

namespace cr {
namespace {

Error userExists()
{
    return AccountRules::userExists();
}

Error mapConflict(const Error &e)
{
    return AccountRules::mapConflict(e);
}

struct Created
{
    User user;
    SessionService::Opened opened;
};

Caller as(const Caller &caller, const QString &userId)
{
    Caller c = caller;
    c.principal.userId = userId;
    return c;
}

} // namespace

AccountService::AccountService(const IdentityEnv &env, const SessionService &sessions,
                               ProfileService &profiles)
    : m_env(env)
    , m_sessions(sessions)
    , m_profiles(profiles)
{}

Error AccountService::invalidCredentials()
{
    return Error::make(ErrorCode::InvalidCredentials, QStringLiteral("Invalid email or password"));
}

std::optional<Error> AccountService::checkNewPassword(const QString &password,
                                                      const QString &email) const
{
    return AccountRules::checkPassword(*m_env.policy, password, email);
}

void AccountService::registerUser(const Registration &in, const Caller &caller,
                                  Done<AuthResult> done)
{
    if (!m_env.options.allowRegistration)
        return done(
            Error::make(ErrorCode::Forbidden, QStringLiteral("Self-registration is disabled")));
    Registration r = in;
    r.email = EmailAddress::normalize(in.email);
    r.name = in.name.trimmed();
    if (std::optional<Error> invalid = AccountRules::checkEmailAndName(r.email, r.name))
        return done(*invalid);
    if (std::optional<Error> weak = checkNewPassword(r.password, r.email))
        return done(*weak);

    const QString email = r.email;
    m_env.pool->run<bool>(
        m_env.context,
        [email](Db &db) -> Result<bool> {
            Result<std::optional<User>> u = UserRepository::findByEmail(db, email);
            if (!u)
                return u.error();
            return u.value().has_value();
        },
        [this, r, caller, done](Result<bool> exists) {
            if (!exists)
                return done(exists.error());
            if (exists.value())
                return done(userExists());
            m_env.hasher->hash(r.password, m_env.context,
                               [this, r, caller, done](Result<QByteArray> hash) {
                                   if (!hash)
                                       return done(hash.error());
                                   createAccount(r, hash.value(), caller, done);
                               });
        });
}

void AccountService::createAccount(const Registration &r, const QByteArray &hash,
                                   const Caller &caller, Done<AuthResult> done)
{
    const IdentityEnv &env = m_env;
    env.pool->run<Created>(
        env.context,
        [&env, r, hash, caller](Db &db) -> Result<Created> {
            const qint64 now = env.now();
            User u;
            u.id = IdentityEnv::newId();
            u.email = r.email;
            u.name = r.name;
            u.passwordHash = hash;
            u.role = Role::Developer;
            u.createdAtMs = u.updatedAtMs = u.lastLoginAtMs = now;
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            bool bootstrap = false;
            if (!env.options.adminEmail.isEmpty() && u.email == env.options.adminEmail) {
                const Result<bool> any = UserRepository::anyAdmin(db);
                if (!any)
                    return any.error();
                bootstrap = !any.value();
            }
            if (bootstrap) {
                u.role = Role::Admin;
                u.roleChangedAtMs = now;
            }
            if (Status st = UserRepository::insert(db, u); !st)
                return mapConflict(st.error());
            Result<SessionService::Opened> opened = SessionService::open(db, env, u.id, caller);
            if (!opened)
                return opened.error();
            const Caller self = as(caller, u.id);
            QList<AuditEntry> entries{
                env.audit(self, QStringLiteral("auth.register"), u.id, AuditEntry::kSuccess,
                          {{QStringLiteral("role"), User::roleText(u.role)}})};
            if (bootstrap)
                entries << env.audit(self, QStringLiteral("admin.bootstrap"), u.id,
                                     AuditEntry::kSuccess);
            if (!r.ignoredFields.isEmpty())
                entries << env.audit(
                    self, QStringLiteral("auth.register.ignored_fields"), u.id, AuditEntry::kDenied,
                    {{QStringLiteral("fields"), QJsonArray::fromStringList(r.ignoredFields)}});
            for (const AuditEntry &e : entries) {
                if (Status st = AuditRepository::append(db, e); !st)
                    return st.error();
            }
            if (Status st = tx.commit(); !st)
                return mapConflict(st.error());
            env.users->put(u.id, UserStates::State{u.role, false});
            return Created{u, opened.value()};
        },
        [this, done](Result<Created> c) {
            if (!c)
                return done(c.error());
            done(m_sessions.issue(c.value().user, c.value().opened));
        });
}

void AccountService::login(const QString &emailIn, const QString &password, const Caller &caller,
                           Done<AuthResult> done)
{
    const QString email = EmailAddress::normalize(emailIn);
    m_env.pool->run<std::optional<User>>(
        m_env.context,
        [email](Db &db) -> Result<std::optional<User>> {
            return UserRepository::findByEmail(db, email);
        },
        [this, email, password, caller, done](Result<std::optional<User>> found) {
            if (!found)
                return done(found.error());
            if (!found.value()) {
                // The same work as for an existing account: the answer's timing must not tell.
                m_env.hasher->verifyDummy(
                    password, m_env.context, [this, email, caller, done](Result<bool> r) {
                        if (!r)
                            return done(r.error());
                        m_env.recordAsync(m_env.audit(
                            caller, QStringLiteral("auth.login"), email, AuditEntry::kFailure,
                            {{QStringLiteral("reason"), QStringLiteral("unknown account")}}));
                        done(invalidCredentials());
                    });
                return;
            }
            const User user = *found.value();
            m_env.hasher->verify(
                password, user.passwordHash, m_env.context,
                [this, user, password, caller, done](Result<bool> r) {
                    if (!r && r.error().code == ErrorCode::Overloaded)
                        return done(r.error());
                    if (!r || !r.value() || user.disabled) {
                        const QString reason = !r              ? QStringLiteral("unreadable hash")
                                               : user.disabled ? QStringLiteral("account disabled")
                                                               : QStringLiteral("wrong password");
                        m_env.recordAsync(m_env.audit(caller, QStringLiteral("auth.login"), user.id,
                                                      AuditEntry::kFailure,
                                                      {{QStringLiteral("reason"), reason},
                                                       {QStringLiteral("email"), user.email}}));
                        return done(invalidCredentials());
                    }
                    finishLogin(user, caller, password, done);
                });
        });
}

void AccountService::finishLogin(const User &user, const Caller &caller, const QString &password,
                                 Done<AuthResult> done)
{
    const IdentityEnv &env = m_env;
    env.pool->run<Created>(
        env.context,
        [&env, user, caller](Db &db) -> Result<Created> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            if (Result<int> n = UserRepository::recordLogin(db, user.id, now); !n)
                return n.error();
            Result<SessionService::Opened> opened = SessionService::open(db, env, user.id, caller);
            if (!opened)
                return opened.error();
            if (Status st = AuditRepository::append(db, env.audit(as(caller, user.id),
                                                                  QStringLiteral("auth.login"),
                                                                  user.id, AuditEntry::kSuccess));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            // An account made by another process (`coderunner-server user add` while this
            // server runs, another instance) becomes known here at its first login.
            env.users->putIfAbsent(user.id, UserStates::State{user.role, user.disabled});
            env.profileCache->forget(user.id); // lastLoginAt changed
            Created c{user, opened.value()};
            c.user.lastLoginAtMs = now;
            return c;
        },
        [this, done, password](Result<Created> c) {
            if (!c)
                return done(c.error());
            if (m_env.hasher->needsRehash(c.value().user.passwordHash))
                rehashLater(c.value().user.id, password);
            done(m_sessions.issue(c.value().user, c.value().opened));
        });
}

void AccountService::rehashLater(const QString &userId, const QString &password)
{
    m_env.hasher->hash(password, m_env.context, [this, userId](Result<QByteArray> hash) {
        if (!hash)
            return; // try again at the next login
        const IdentityEnv &env = m_env;
        env.pool->run<int>(
            env.context,
            [&env, userId, h = hash.value()](Db &db) {
                Result<int> n = UserRepository::updatePassword(db, userId, h, env.now());
                env.profileCache->forget(userId);
                return n;
            },
            [](Result<int>) {});
    });
}

void AccountService::profile(const Caller &caller, Done<User> done)
{
    m_profiles.profile(caller, std::move(done));
}

void AccountService::updateProfile(const Caller &caller, const ProfileUpdate &update,
                                   Done<User> done)
{
    m_profiles.updateProfile(caller, update, std::move(done));
}

void AccountService::changePassword(const Caller &caller, const QString &oldPassword,
                                    const QString &newPassword, Done<int> done)
{
    m_profiles.changePassword(caller, oldPassword, newPassword, std::move(done));
}

} // namespace cr
