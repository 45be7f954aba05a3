#pragma once

#include <QByteArray>
#include <QString>

#include <cstddef>

namespace cr {

// SQL text, constructible only from a string literal: statements are written in code, and
// every value reaches the database bound to a placeholder (?), never spliced into the text.
//
//     db.query(Sql("SELECT id FROM users WHERE email = ?"), {email});
//
// Literals are ASCII; placeholders are '?' on both backends.
class Sql
{
public:
    template<std::size_t N>
    constexpr Sql(const char (&text)[N]) // NOLINT(google-explicit-constructor): literals only
        : m_text(text)
        , m_size(qsizetype(N - 1))
    {}

    const char *data() const { return m_text; }
    qsizetype size() const { return m_size; }
    // The text without a copy, e.g. as a statement-cache key (literals live for the program).
    QByteArray bytes() const { return QByteArray::fromRawData(m_text, m_size); }
    QString toString() const { return QString::fromLatin1(m_text, m_size); }

    // True for a statement that only reads (SELECT, VALUES, or WITH ... SELECT): safe to run
    // again after a lost connection.
    bool isReadOnly() const;

private:
    const char *m_text;
    qsizetype m_size;
};

} // namespace cr
