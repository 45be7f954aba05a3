#pragma once

#include "core/Error.h"

#include <QString>

#include <optional>

namespace cr {

class PasswordPolicy;

// The rules every new or changed account obeys, wherever it comes from (registration, the
// profile, a password change, `coderunner-server user add`, the console's first-run dialog):
// errors as values, with per-field messages for the client.
class AccountRules
{
public:
    // VALIDATION_ERROR for an e-mail address that is not valid (after EmailAddress::normalize)
    // or a name longer than IdentityOptions::kMaxNameLength; fields name the culprits.
    static std::optional<Error> checkEmailAndName(const QString &normalizedEmail,
                                                  const QString &trimmedName);
    // WEAK_PASSWORD with one `password` field error per reason the policy gives.
    static std::optional<Error> checkPassword(const PasswordPolicy &policy, const QString &password,
                                              const QString &email);

    static Error userExists();
    // A unique-key violation on users.email is "that e-mail is taken".
    static Error mapConflict(const Error &e);
};

} // namespace cr
