#pragma once

#include "core/Settings.h"

#include <QString>

namespace cr {
class Clock;
}

// `coderunner-server user add` and `user list` (ServerCommands).
class UserCommands
{
public:
    struct AddOptions
    {
        QString email;
        QString role;
        QString name;
    };

    // Reads the password (PasswordInput), applies the registration rules (policy, e-mail) and
    // the same Argon2id hashing, and inserts the account with its audit entry.
    static int add(const cr::Settings &settings, const cr::Clock &clock, const AddOptions &options);
    static int list(const cr::Settings &settings, const cr::Clock &clock);
};
