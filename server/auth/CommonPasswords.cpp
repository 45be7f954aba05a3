#include "auth/CommonPasswords.h"

#include <QFile>

namespace cr {

CommonPasswords::CommonPasswords(const QString &path)
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        qFatal("cannot read the common password list %s", qPrintable(path));
    m_data = file.readAll();
    m_rank.reserve(60000);
    int rank = 0;
    qsizetype start = 0;
    while (start < m_data.size()) {
        qsizetype end = m_data.indexOf('\n', start);
        if (end < 0)
            end = m_data.size();
        qsizetype stop = end;
        if (stop > start && m_data[stop - 1] == '\r')
            --stop;
        if (stop > start) {
            const std::string_view word(m_data.constData() + start, size_t(stop - start));
            if (m_rank.emplace(word, rank + 1).second) {
                ++rank;
                m_longest = qMax(m_longest, int(word.size()));
            }
        }
        start = end + 1;
    }
}

const CommonPasswords &CommonPasswords::instance()
{
    static const CommonPasswords list(QStringLiteral(":/auth/common-passwords.txt"));
    return list;
}

int CommonPasswords::rank(std::string_view utf8LowerCase) const
{
    const auto it = m_rank.find(utf8LowerCase);
    return it == m_rank.end() ? 0 : it->second;
}

int CommonPasswords::rank(const QString &lowerCase) const
{
    const QByteArray utf8 = lowerCase.toUtf8();
    return rank(std::string_view(utf8.constData(), size_t(utf8.size())));
}

} // namespace cr
