#pragma once

#include <QMetaType>
#include <QString>
#include <QStringList>

namespace cr {

// The answer to DataSource::createFirstAdmin(), as plain data for the console: success with the
// stored (trimmed, lower-case) address, or what is wrong, per field where the server said so.
struct AccountCreation
{
    bool ok = false;
    QString email;
    QString message;            // the refusal in words (empty on success)
    QStringList emailErrors;    // e.g. "must be a valid e-mail address"
    QStringList passwordErrors; // the password policy's reasons
};

} // namespace cr

Q_DECLARE_METATYPE(cr::AccountCreation)
