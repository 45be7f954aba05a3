#pragma once

#include <QJsonObject>
#include <QString>
#include <QStringList>

namespace cr {

class CommonPasswords;

// NIST SP 800-63B §5.1.1.2 style password rules: length and a blocklist, no composition rules
// (no "one upper-case letter, one digit, one symbol").
//  - the password is NFKC-normalised first (so is the email), and its length counted in code
//    points: at least minLength (default 12, configurable 8–64), at most 128;
//  - refused when it is on the common/breached list (case-insensitive);
//  - refused when it is one of the 1,000 most common passwords followed only by digits and
//    symbols (Password123!, Welcome2024!!), case-insensitive;
//  - refused when it contains the local part of the email, if that has 5+ characters
//    (case-insensitive).
// strength (0–4) is a simple estimate of guessing effort, documented in docs/AUTH.md: the
// password is cut greedily into common-list words (each worth log2(rank) + 1 bits) and single
// characters (log2 of the character pool, 1 bit for a repeat, 2 for a sequence step); the bits
// map to 0 (<28), 1 (<36), 2 (<50), 3 (<64), 4. A refused password scores at most 1, a listed
// one 0.
class PasswordPolicy
{
public:
    static constexpr int kDefaultMinLength = 12;
    static constexpr int kMaxLength = 128;
    static constexpr int kTopCommon = 1000;
    static constexpr int kMinEmailPartLength = 5;

    struct Check
    {
        bool isValid = false;
        QStringList errors;
        int strength = 0;

        QJsonObject toJson() const; // {isValid, errors, strength} as the API returns it
    };

    explicit PasswordPolicy(int minLength = kDefaultMinLength);
    // Uses another list (tests); the default is CommonPasswords::instance().
    PasswordPolicy(int minLength, const CommonPasswords &list);

    Check check(const QString &password, const QString &email = {}) const;
    int minLength() const { return m_minLength; }

private:
    int estimateBits(const QList<uint> &codePoints) const;
    static int scoreOf(int bits);

    int m_minLength;
    const CommonPasswords &m_list;
};

} // namespace cr
