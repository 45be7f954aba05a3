#include "identity/AccountRules.h"

#include "auth/PasswordPolicy.h"
#include "identity/EmailAddress.h"
#include "identity/IdentityOptions.h"

namespace cr {

std::optional<Error> AccountRules::checkEmailAndName(const QString &normalizedEmail,
                                                     const QString &trimmedName)
{
    Error invalid = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
    if (!EmailAddress::isValid(normalizedEmail))
        invalid.fields.append(
            {QStringLiteral("email"), QStringLiteral("must be a valid e-mail address")});
    if (trimmedName.size() > IdentityOptions::kMaxNameLength)
        invalid.fields.append(
            {QStringLiteral("name"), QStringLiteral("must be at most 100 characters")});
    if (invalid.fields.isEmpty())
        return std::nullopt;
    return invalid;
}

std::optional<Error> AccountRules::checkPassword(const PasswordPolicy &policy,
                                                 const QString &password, const QString &email)
{
    const PasswordPolicy::Check check = policy.check(password, email);
    if (check.isValid)
        return std::nullopt;
    Error e = Error::make(ErrorCode::WeakPassword,
                          QStringLiteral("The password does not meet the requirements"));
    for (const QString &reason : check.errors)
        e.fields.append(FieldError{QStringLiteral("password"), reason});
    return e;
}

Error AccountRules::userExists()
{
    return Error::make(ErrorCode::UserExists,
                       QStringLiteral("An account with this e-mail address already exists"));
}

Error AccountRules::mapConflict(const Error &e)
{
    return e.code == ErrorCode::Conflict ? userExists() : e;
}

} // namespace cr
