#include "identity/AccountService.h"

#include "auth/PasswordHasher.h"
#include "auth/PasswordPolicy.h"
#include "identity/AuditRepository.h"
#include "identity/EmailAddress.h"
#include "identity/IdentityLogging.h"
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
    return Error::make(ErrorCode::UserExists,
                       QStringLiteral("An account with this e-mail address already exists"));
}

// A unique-key violation on users.email is "that e-mail is taken".
Error mapConflict(const Error &e)
{
    return e.code == ErrorCode::Conflict ? userExists() : e;
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

AccountService::AccountService(const IdentityEnv &env, const SessionService &sessions)
    : m_env(env)
    , m_sessions(sessions)
{}

Error AccountService::invalidCredentials()
{
    return Error::make(ErrorCode::InvalidCredentials, QStringLiteral("Invalid email or password"));
}

std::optional<Error> AccountService::checkNewPassword(const QString &password,
                                                      const QString &email) const
{
    const PasswordPolicy::Check check = m_env.policy->check(password, email);
    if (check.isValid)
        return std::nullopt;
    Error e = Error::make(ErrorCode::WeakPassword,
                          QStringLiteral("The password does not meet the requirements"));
    for (const QString &reason : check.errors)
        e.fields.append(FieldError{QStringLiteral("password"), reason});
    return e;
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
    Error invalid = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
    if (!EmailAddress::isValid(r.email))
        invalid.fields.append({QStringLiteral("email"), QStringLiteral("must be a valid e-mail "
                                                                       "address")});
    if (r.name.size() > IdentityOptions::kMaxNameLength)
        invalid.fields.append({QStringLiteral("name"), QStringLiteral("must be at most 100 "
                                                                      "characters")});
    if (!invalid.fields.isEmpty())
        return done(invalid);
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
                return UserRepository::updatePassword(db, userId, h, env.now());
            },
            [](Result<int>) {});
    });
}

void AccountService::profile(const Caller &caller, Done<User> done)
{
    m_env.pool->run<User>(
        m_env.context, [id = caller.userId()](Db &db) { return existingUser(db, id); }, done);
}

void AccountService::updateProfile(const Caller &caller, const ProfileUpdate &in, Done<User> done)
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
            return u;
        },
        done);
}

void AccountService::changePassword(const Caller &caller, const QString &oldPassword,
                                    const QString &newPassword, Done<int> done)
{
    if (auto refusal = SessionService::refuseApiKey(caller))
        return done(*refusal);
    m_env.pool->run<User>(
        m_env.context, [id = caller.userId()](Db &db) { return existingUser(db, id); },
        [this, caller, oldPassword, newPassword, done](Result<User> user) {
            if (!user)
                return done(user.error());
            if (std::optional<Error> weak = checkNewPassword(newPassword, user.value().email))
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

void AccountService::refusePasswordChange(const Caller &caller, Done<int> done)
{
    m_env.recordAsync(m_env.audit(
        caller, QStringLiteral("auth.password.change"), caller.userId(), AuditEntry::kFailure,
        {{QStringLiteral("reason"), QStringLiteral("wrong current password")}}));
    done(Error::make(ErrorCode::InvalidCredentials,
                     QStringLiteral("The current password is wrong")));
}

// The new hash, and every other session of the account revoked, in one transaction.
void AccountService::storePassword(const Caller &caller, const QByteArray &hash, Done<int> done)
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
            env.revocations->revokeSessions(families.value(), now);
            return int(families.value().size());
        },
        done);
}

} // namespace cr
