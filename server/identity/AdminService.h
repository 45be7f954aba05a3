#pragma once

#include "identity/AuditEntry.h"
#include "identity/IdentityEnv.h"
#include "identity/Page.h"
#include "identity/User.h"

#include <optional>

namespace cr {

class Db;

// Account administration (CONTRACT §4). A role change and disabling take effect at once: the
// change is committed, then the in-memory UserStates and RevocationSet are updated before the
// answer goes out, so the account's existing access tokens are refused from the next request
// (disabling also revokes every session). Administrators cannot change their own role or
// disable themselves (so there is always an administrator left).
// Methods may be called from any thread; `done` runs in the identity thread, or at once in the
// calling thread for a refusal that needs no database.
class AdminService
{
public:
    struct UserChange
    {
        std::optional<Role> role;
        std::optional<bool> disabled;
    };

    explicit AdminService(const IdentityEnv &env);

    void listUsers(const PageRequest &page, Done<Page<User>> done);
    void updateUser(const Caller &caller, const QString &userId, const UserChange &change,
                    Done<User> done);
    void auditLog(const PageRequest &page, Done<Page<AuditEntry>> done);
    // Records an administrative action that has no database work of its own (a rate-limit
    // policy change, a ban), in a job of its own.
    void recordAction(const Caller &caller, const QString &action, const QString &target,
                      const QJsonObject &details) const;

    // Inside a job or at start: applies a change to one account and records it; the in-memory
    // state is updated by applyCommitted() after the commit.
    struct Applied
    {
        User before;
        User after;
        QStringList revokedSessions;
    };
    static Result<Applied> applyInJob(Db &db, const IdentityEnv &env, const Caller &caller,
                                      const QString &userId, const UserChange &change);
    static void applyCommitted(const IdentityEnv &env, const Applied &applied, qint64 atMs);

private:
    const IdentityEnv &m_env;
};

} // namespace cr
