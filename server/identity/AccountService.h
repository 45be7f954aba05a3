#pragma once

#include "identity/AuthResult.h"
#include "identity/IdentityEnv.h"
#include "identity/ProfileService.h"

#include <QStringList>

#include <optional>

namespace cr {

class SessionService;

// Accounts (CONTRACT §3): registration and login. The signed-in account's profile and password
// are ProfileService's; the three calls below only forward to it until AuthController calls
// Identity::profiles() directly.
//  - e-mail addresses are trimmed and lower-cased; the password policy is checked before any
//    work; hashing and verifying run on the PasswordHasher's pool (OVERLOADED when it sheds
//    load);
//  - a login for an unknown or disabled account does the same work (verifyDummy / a real
//    verify) and gets the same INVALID_CREDENTIALS as a wrong password;
//  - fields a caller may not set (role, plan, disabled, id, …) are never applied, and the
//    attempt is audited.
// Methods may be called from any thread; `done` runs in the identity thread, or at once in the
// calling thread for a refusal that needs no database.
class AccountService
{
public:
    struct Registration
    {
        QString email;
        QString password;
        QString name;
        QStringList ignoredFields; // privileged fields that were sent (audited)
    };
    using ProfileUpdate = ProfileService::ProfileUpdate;

    AccountService(const IdentityEnv &env, const SessionService &sessions,
                   ProfileService &profiles);

    void registerUser(const Registration &registration, const Caller &caller,
                      Done<AuthResult> done);
    void login(const QString &email, const QString &password, const Caller &caller,
               Done<AuthResult> done);
    // Forwarded to ProfileService (see above).
    void profile(const Caller &caller, Done<User> done);
    void updateProfile(const Caller &caller, const ProfileUpdate &update, Done<User> done);
    void changePassword(const Caller &caller, const QString &oldPassword,
                        const QString &newPassword, Done<int> done);

    static Error invalidCredentials();

private:
    void createAccount(const Registration &registration, const QByteArray &hash,
                       const Caller &caller, Done<AuthResult> done);
    void finishLogin(const User &user, const Caller &caller, const QString &password,
                     Done<AuthResult> done);
    void rehashLater(const QString &userId, const QString &password);
    std::optional<Error> checkNewPassword(const QString &password, const QString &email) const;

    const IdentityEnv &m_env;
    const SessionService &m_sessions;
    ProfileService &m_profiles;
};

} // namespace cr
