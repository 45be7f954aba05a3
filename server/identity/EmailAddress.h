#pragma once

#include <QString>

namespace cr {

// E-mail addresses as accounts use them (CONTRACT §1): trimmed, stored and compared lower-case.
// The check is deliberately plain (one @, a dot in the domain, no spaces or control
// characters, at most 254 characters): deliverability is not ours to judge.
class EmailAddress
{
public:
    static constexpr int kMaxLength = 254;

    static QString normalize(const QString &email);
    // For a normalized address.
    static bool isValid(const QString &email);
};

} // namespace cr
