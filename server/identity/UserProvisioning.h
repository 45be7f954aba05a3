#pragma once

#include "core/Principal.h"
#include "identity/IdentityEnv.h"
#include "identity/User.h"

#include <QByteArray>
#include <QString>

namespace cr {

class Clock;
class Db;
class PasswordPolicy;

// Accounts made by an operator rather than by self-registration: the first administrator from
// `coderunner-server user add` (synchronously, on the command line's own connection) and from
// the console's first-run dialog (asynchronously, through the running engine). Both go through
// the same rules as registration (AccountRules: trimmed lower-case e-mail, the password policy),
// the same Argon2id hashing, and leave an `admin.user.create` entry in the audit log.
class UserProvisioning
{
public:
    static constexpr const char *kAuditAction = "admin.user.create";

    struct Request
    {
        QString email;
        QString password;
        QString name;
        Role role = Role::Admin;
        QString source; // for the audit log: "command line", "console"
        // Refused (CONFLICT) when an administrator exists already: the console's first-run
        // dialog may only make the first one.
        bool firstAdminOnly = false;
    };

    // The request normalized (e-mail trimmed and lower-cased, name trimmed) and checked:
    // VALIDATION_ERROR (bad e-mail, name too long, no role) or WEAK_PASSWORD with the reasons.
    static Result<Request> prepare(const Request &request, const PasswordPolicy &policy);
    // Inserts the account and its audit entry in one transaction (a prepared request and the
    // password's hash). USER_EXISTS when the address is taken.
    static Result<User> insert(Db &db, const Clock &clock, const Request &prepared,
                               const QByteArray &passwordHash, const QString &actorId = QString());

    explicit UserProvisioning(const IdentityEnv &env);

    // prepare → hash on the hashing pool → insert in a storage job → the in-memory account
    // state. `done` runs in the identity thread, or at once for a refusal that needs no work.
    void create(const Request &request, const Caller &caller, Done<User> done);
    // Whether the database has no administrator yet (the console then offers the first-run
    // dialog).
    void needsFirstAdmin(Done<bool> done);

private:
    const IdentityEnv &m_env;
};

} // namespace cr
