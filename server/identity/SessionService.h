#pragma once

#include "identity/AuthResult.h"
#include "identity/IdentityEnv.h"
#include "identity/Page.h"
#include "identity/Session.h"

#include <QStringList>

namespace cr {

class Db;

// Sessions and tokens (CONTRACT §3). A login opens a session family; every refresh rotates its
// refresh token (one atomic conditional UPDATE, so of two racing refreshes exactly one wins);
// a rotated token used again within the grace time is refused, used later it revokes the whole
// family (it was stolen, or the client is broken). A family lives at most
// IdentityOptions::sessionLifetimeMs from login. Every revocation is committed, then entered
// in the RevocationSet before the answer goes out, so the access tokens of the session stop
// working at once.
//
// Methods may be called from any thread; `done` runs in the identity thread, or at once in the
// calling thread for a refusal that needs no database.
class SessionService
{
public:
    struct Opened
    {
        Session session;
        QByteArray refreshToken;
    };

    explicit SessionService(const IdentityEnv &env);

    // Inside a job (register, login): a new family for the user.
    static Result<Opened> open(Db &db, const IdentityEnv &env, const QString &userId,
                               const Caller &caller);
    // Inside a job: revokes every family of the user but `exceptFamilyId` (may be empty);
    // returns the family ids, for the RevocationSet once the transaction has committed.
    static Result<QStringList> revokeAllInJob(Db &db, const QString &userId,
                                              const QString &exceptFamilyId, qint64 nowMs);

    // Signs an access token for the user in the opened family.
    Result<AuthResult> issue(const User &user, const Opened &opened) const;

    void refresh(const QByteArray &refreshToken, const Caller &caller, Done<AuthResult> done);
    void logout(const Caller &caller, Done<bool> done);
    // Every session of the caller's account; the number of sessions revoked.
    void logoutAll(const Caller &caller, Done<int> done);
    void list(const Caller &caller, const PageRequest &page, Done<Page<Session>> done);
    void revoke(const Caller &caller, const QString &sessionId, Done<bool> done);
    // Every session of the caller's account except the current one.
    void revokeOthers(const Caller &caller, Done<int> done);

    // API keys may not manage sessions, passwords or API keys (CONTRACT §3).
    static std::optional<Error> refuseApiKey(const Caller &caller);

private:
    void revokeAll(const Caller &caller, bool keepCurrent, const QString &action, Done<int> done);

    const IdentityEnv &m_env;
};

} // namespace cr
