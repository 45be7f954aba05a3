#pragma once

#include <QByteArray>
#include <QString>

#include <string_view>
#include <unordered_map>

namespace cr {

// The list of common and breached passwords shipped as a Qt resource
// (:/auth/common-passwords.txt, from resources/passwords: lower-case, one per line, most common
// first; source and licence in docs/AUTH.md). Loaded once, on first use, and shared read-only
// by every thread.
class CommonPasswords
{
public:
    static const CommonPasswords &instance();

    // 1-based rank of a lower-case password (1 = most common), 0 when not on the list.
    int rank(const QString &lowerCase) const;
    int rank(std::string_view utf8LowerCase) const;
    int size() const { return int(m_rank.size()); }
    // The longest entry, in UTF-8 bytes (bounds substring searches).
    int longestEntryBytes() const { return m_longest; }

    // Loads from another resource or file (tests); instance() uses the shipped list.
    explicit CommonPasswords(const QString &path);
    CommonPasswords(const CommonPasswords &) = delete;
    CommonPasswords &operator=(const CommonPasswords &) = delete;

private:
    QByteArray m_data; // the file, kept alive: the keys below point into it
    std::unordered_map<std::string_view, int> m_rank;
    int m_longest = 0;
};

} // namespace cr
