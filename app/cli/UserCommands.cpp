#include "UserCommands.h"

#include "CliOutput.h"
#include "CliStorage.h"
#include "PasswordInput.h"

#include "auth/PasswordHasher.h"
#include "auth/PasswordPolicy.h"
#include "identity/AccountRules.h"
#include "identity/EmailAddress.h"
#include "identity/IdentityOptions.h"
#include "identity/JsonTime.h"
#include "identity/User.h"
#include "identity/UserProvisioning.h"
#include "identity/UserRepository.h"

namespace {
const QString kAdd = QStringLiteral("user add");
}

int UserCommands::add(const cr::Settings &settings, const cr::Clock &clock,
                      const AddOptions &options)
{
    if (options.email.trimmed().isEmpty())
        return CliOutput::usage(kAdd, QStringLiteral("--email is required"));
    const std::optional<cr::Role> role = cr::User::roleFromName(options.role.trimmed().toLower());
    if (!role)
        return CliOutput::usage(kAdd,
                                QStringLiteral("--role must be viewer, developer, operator or "
                                               "admin, not \"%1\"")
                                    .arg(options.role));
    const cr::IdentityOptions identity = cr::IdentityOptions::fromSettings(settings);
    const cr::PasswordPolicy policy(identity.passwordMinLength);

    cr::UserProvisioning::Request request;
    request.email = options.email;
    request.name = options.name;
    request.role = *role;
    request.source = QStringLiteral("command line");
    // The address first: a bad one is refused before anyone types a password for it.
    if (std::optional<cr::Error> invalid = cr::AccountRules::checkEmailAndName(
            cr::EmailAddress::normalize(request.email), request.name.trimmed()))
        return CliOutput::fail(kAdd, *invalid);

    cr::Result<CliStorage> storage = CliStorage::open(settings, clock);
    if (!storage)
        return CliOutput::fail(kAdd, storage.error());

    cr::Result<QString> password = PasswordInput::read(
        QStringLiteral("Password for %1: ").arg(options.email.trimmed().toLower()));
    if (!password)
        return CliOutput::fail(kAdd, password.error());
    request.password = password.value();
    cr::Result<cr::UserProvisioning::Request> prepared =
        cr::UserProvisioning::prepare(request, policy);
    if (!prepared)
        return CliOutput::fail(kAdd, prepared.error());

    const cr::PasswordHasher hasher(clock, identity.hashing());
    const cr::Result<QByteArray> hash = hasher.hashNow(prepared.value().password);
    if (!hash)
        return CliOutput::fail(kAdd, hash.error());
    const cr::Result<cr::User> user =
        cr::UserProvisioning::insert(storage.value().db(), clock, prepared.value(), hash.value());
    if (!user)
        return CliOutput::fail(kAdd, user.error());
    CliOutput::line(QStringLiteral("created the %1 account %2 (id %3) in %4")
                        .arg(cr::User::roleText(user.value().role), user.value().email,
                             user.value().id, storage.value().where()));
    return 0;
}

int UserCommands::list(const cr::Settings &settings, const cr::Clock &clock)
{
    const QString verb = QStringLiteral("user list");
    cr::Result<CliStorage> storage = CliStorage::open(settings, clock);
    if (!storage)
        return CliOutput::fail(verb, storage.error());
    const cr::Result<QList<cr::User>> users = cr::UserRepository::all(storage.value().db());
    if (!users)
        return CliOutput::fail(verb, users.error());
    CliOutput::line(QStringLiteral("%1  %2  %3  %4  %5")
                        .arg(QStringLiteral("id"), -36)
                        .arg(QStringLiteral("role"), -9)
                        .arg(QStringLiteral("state"), -8)
                        .arg(QStringLiteral("created"), -24)
                        .arg(QStringLiteral("email")));
    for (const cr::User &u : users.value())
        CliOutput::line(
            QStringLiteral("%1  %2  %3  %4  %5")
                .arg(u.id, -36)
                .arg(cr::User::roleText(u.role), -9)
                .arg(u.disabled ? QStringLiteral("disabled") : QStringLiteral("active"), -8)
                .arg(cr::JsonTime::iso(u.createdAtMs), -24)
                .arg(u.email));
    return 0;
}
