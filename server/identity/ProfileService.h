#pragma once

#include "identity/IdentityEnv.h"
#include "identity/User.h"

#include <QStringList>

#include <optional>

namespace cr {

// The signed-in account's own data (CONTRACT §3): the profile (read, name and e-mail changes,
// a taken address is USER_EXISTS) and the password change (the current password verified on
// the hashing pool, the policy applied, the new hash and the revocation of every other session
// in one transaction). Privileged fields a caller sends are never applied, and audited.
// The profile is read through the ProfileCache. Methods may be called from any thread; `done`
// runs in the identity thread, or at once in the calling thread when no database work is
// needed (a refusal, a cached profile).
class ProfileService
{
public:
    struct ProfileUpdate
    {
        std::optional<QString> name;
        std::optional<QString> email;
        QStringList ignoredFields;
    };

    explicit ProfileService(const IdentityEnv &env);

    void profile(const Caller &caller, Done<User> done);
    void updateProfile(const Caller &caller, const ProfileUpdate &update, Done<User> done);
    // The number of other sessions revoked.
    void changePassword(const Caller &caller, const QString &oldPassword,
                        const QString &newPassword, Done<int> done);

private:
    void refusePasswordChange(const Caller &caller, Done<int> done);
    void storePassword(const Caller &caller, const QByteArray &hash, Done<int> done);

    const IdentityEnv &m_env;
};

} // namespace cr
