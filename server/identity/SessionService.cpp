#include "identity/SessionService.h"

#include "auth/JwtCodec.h"
#include "identity/AuditRepository.h"
#include "identity/IdentityLogging.h"
#include "identity/OpaqueToken.h"
#include "identity/RevocationSet.h"
#include "identity/SessionRepository.h"
#include "identity/UserRepository.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

#include <QJsonArray>

namespace cr {
namespace {

Error invalidRefresh()
{
    return Error::make(ErrorCode::Unauthorized, QStringLiteral("Invalid refresh token"));
}

struct RefreshOutcome
{
    enum class Kind
    {
        Rotated,
        Invalid,
        Reused,        // within the grace time, or a racing refresh that lost: only refused
        FamilyRevoked, // reused after the grace time: the family is revoked
    } kind = Kind::Invalid;
    User user;
    SessionService::Opened opened;
};

} // namespace

SessionService::SessionService(const IdentityEnv &env)
    : m_env(env)
{}

std::optional<Error> SessionService::refuseApiKey(const Caller &caller)
{
    if (!caller.principal.viaApiKey)
        return std::nullopt;
    return Error::make(ErrorCode::Forbidden,
                       QStringLiteral("API keys cannot manage passwords, sessions or API keys"));
}

Result<SessionService::Opened> SessionService::open(Db &db, const IdentityEnv &env,
                                                    const QString &userId, const Caller &caller)
{
    Opened o;
    o.refreshToken = OpaqueToken::newRefreshToken();
    Session &s = o.session;
    s.id = IdentityEnv::newId();
    s.familyId = s.id;
    s.userId = userId;
    s.device = caller.device;
    s.ip = caller.ip;
    s.createdAtMs = env.now();
    s.lastSeenAtMs = s.createdAtMs;
    s.expiresAtMs = s.createdAtMs + env.options.sessionLifetimeMs;
    if (Status st = SessionRepository::insert(db, s, OpaqueToken::hash(o.refreshToken)); !st)
        return st.error();
    return o;
}

Result<QStringList> SessionService::revokeAllInJob(Db &db, const QString &userId,
                                                   const QString &exceptFamilyId, qint64 nowMs)
{
    Result<QStringList> families = SessionRepository::liveFamilies(db, userId, exceptFamilyId);
    if (!families)
        return families.error();
    if (const Result<int> n =
            SessionRepository::revokeAllFamilies(db, userId, exceptFamilyId, nowMs);
        !n)
        return n.error();
    return families;
}

Result<AuthResult> SessionService::issue(const User &user, const Opened &opened) const
{
    JwtCodec::Claims claims;
    claims.sub = user.id;
    claims.role = user.role;
    claims.sid = opened.session.familyId;
    claims.lifetimeSeconds = m_env.options.accessTokenTtlSeconds;
    Result<JwtCodec::Issued> issued = m_env.codec->issue(claims);
    if (!issued)
        return issued.error();
    AuthResult r;
    r.user = user;
    r.token = issued.value().token;
    r.refreshToken = opened.refreshToken;
    r.expiresAtMs = issued.value().exp * 1000;
    r.sessionId = opened.session.familyId;
    return r;
}

void SessionService::refresh(const QByteArray &refreshToken, const Caller &caller,
                             Done<AuthResult> done)
{
    if (!OpaqueToken::isRefreshTokenShape(refreshToken))
        return done(invalidRefresh());
    const IdentityEnv &env = m_env;
    const QString hash = OpaqueToken::hash(refreshToken);
    env.pool->run<RefreshOutcome>(
        env.context,
        [&env, hash, caller](Db &db) -> Result<RefreshOutcome> {
            RefreshOutcome out;
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            Result<std::optional<Session>> found = SessionRepository::findByRefreshHash(db, hash);
            if (!found)
                return found.error();
            const qint64 now = env.now();
            if (!found.value() || found.value()->revokedAtMs > 0 ||
                found.value()->expiresAtMs <= now)
                return out;
            const Session old = *found.value();
            if (old.rotatedAtMs > 0) {
                out.kind = RefreshOutcome::Kind::Reused;
                if (now - old.rotatedAtMs <= env.options.refreshGraceMs)
                    return out;
                if (Result<int> n =
                        SessionRepository::revokeFamily(db, old.familyId, old.userId, now);
                    !n)
                    return n.error();
                Caller owner = caller;
                owner.principal.userId = old.userId;
                AuditEntry e =
                    env.audit(owner, QStringLiteral("auth.refresh.reuse"), old.familyId,
                              AuditEntry::kDenied, {{QStringLiteral("sessionRevoked"), true}});
                if (Status st = AuditRepository::append(db, e); !st)
                    return st.error();
                if (Status st = tx.commit(); !st)
                    return st.error();
                env.revocations->revokeSession(old.familyId, now);
                out.kind = RefreshOutcome::Kind::FamilyRevoked;
                return out;
            }
            Result<std::optional<User>> user = UserRepository::findById(db, old.userId);
            if (!user)
                return user.error();
            if (!user.value() || user.value()->disabled)
                return out;
            // The rotation: whoever changes the row wins; a racing refresh changes nothing.
            const Result<int> won = SessionRepository::markRotated(db, hash, now);
            if (!won)
                return won.error();
            if (won.value() != 1) {
                out.kind = RefreshOutcome::Kind::Reused;
                return out;
            }
            Opened next;
            next.refreshToken = OpaqueToken::newRefreshToken();
            next.session = old;
            next.session.id = IdentityEnv::newId();
            next.session.device = caller.device;
            next.session.ip = caller.ip;
            next.session.lastSeenAtMs = now;
            next.session.rotatedAtMs = 0;
            if (Status st = SessionRepository::insert(db, next.session,
                                                      OpaqueToken::hash(next.refreshToken));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            out.kind = RefreshOutcome::Kind::Rotated;
            out.user = *user.value();
            out.opened = next;
            return out;
        },
        [this, done](Result<RefreshOutcome> r) {
            if (!r)
                return done(r.error());
            switch (r.value().kind) {
            case RefreshOutcome::Kind::Rotated:
                return done(issue(r.value().user, r.value().opened));
            case RefreshOutcome::Kind::Invalid:
                return done(invalidRefresh());
            case RefreshOutcome::Kind::Reused:
                return done(Error::make(ErrorCode::Unauthorized,
                                        QStringLiteral("Refresh token already used")));
            case RefreshOutcome::Kind::FamilyRevoked:
                qCInfo(lcIdentity) << "refresh token reuse: session revoked";
                return done(Error::make(
                    ErrorCode::Unauthorized,
                    QStringLiteral("Refresh token reuse detected; the session has been revoked")));
            }
        });
}

void SessionService::logout(const Caller &caller, Done<bool> done)
{
    if (auto refusal = refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<bool>(
        env.context,
        [&env, caller](Db &db) -> Result<bool> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            if (Result<int> n =
                    SessionRepository::revokeFamily(db, caller.sessionId(), caller.userId(), now);
                !n)
                return n.error();
            if (Status st = AuditRepository::append(
                    db, env.audit(caller, QStringLiteral("auth.logout"), caller.sessionId(),
                                  AuditEntry::kSuccess));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            env.revocations->revokeSession(caller.sessionId(), now);
            return true;
        },
        done);
}

void SessionService::logoutAll(const Caller &caller, Done<int> done)
{
    revokeAll(caller, false, QStringLiteral("auth.logout_all"), std::move(done));
}

void SessionService::revokeOthers(const Caller &caller, Done<int> done)
{
    revokeAll(caller, true, QStringLiteral("auth.session.revoke_others"), std::move(done));
}

void SessionService::revokeAll(const Caller &caller, bool keepCurrent, const QString &action,
                               Done<int> done)
{
    if (auto refusal = refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<int>(
        env.context,
        [&env, caller, keepCurrent, action](Db &db) -> Result<int> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            Result<QStringList> families = revokeAllInJob(
                db, caller.userId(), keepCurrent ? caller.sessionId() : QString(), now);
            if (!families)
                return families.error();
            if (Status st = AuditRepository::append(
                    db, env.audit(caller, action, caller.userId(), AuditEntry::kSuccess,
                                  {{QStringLiteral("sessions"), int(families.value().size())}}));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            QStringList revoked = families.value();
            if (!keepCurrent)
                revoked << caller.sessionId();
            env.revocations->revokeSessions(revoked, now);
            return int(families.value().size());
        },
        done);
}

void SessionService::list(const Caller &caller, const PageRequest &page, Done<Page<Session>> done)
{
    if (auto refusal = refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<Page<Session>>(
        env.context,
        [&env, caller, page](Db &db) -> Result<Page<Session>> {
            return SessionRepository::listLive(db, caller.userId(), env.now(), page);
        },
        done);
}

void SessionService::revoke(const Caller &caller, const QString &sessionId, Done<bool> done)
{
    if (auto refusal = refuseApiKey(caller))
        return done(*refusal);
    const IdentityEnv &env = m_env;
    env.pool->run<bool>(
        env.context,
        [&env, caller, sessionId](Db &db) -> Result<bool> {
            const qint64 now = env.now();
            Transaction tx(db);
            if (!tx.begun())
                return tx.begun().error();
            const Result<int> n =
                SessionRepository::revokeFamily(db, sessionId, caller.userId(), now);
            if (!n)
                return n.error();
            if (n.value() == 0)
                return Error::make(ErrorCode::NotFound, QStringLiteral("Session not found"));
            if (Status st = AuditRepository::append(
                    db, env.audit(caller, QStringLiteral("auth.session.revoke"), sessionId,
                                  AuditEntry::kSuccess));
                !st)
                return st.error();
            if (Status st = tx.commit(); !st)
                return st.error();
            env.revocations->revokeSession(sessionId, now);
            return true;
        },
        done);
}

} // namespace cr
