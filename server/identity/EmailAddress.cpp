#include "identity/EmailAddress.h"

namespace cr {

QString EmailAddress::normalize(const QString &email)
{
    return email.trimmed().toLower();
}

bool EmailAddress::isValid(const QString &email)
{
    if (email.isEmpty() || email.size() > kMaxLength)
        return false;
    const qsizetype at = email.lastIndexOf(u'@');
    if (at <= 0 || at != email.indexOf(u'@') || at > 64)
        return false;
    for (const QChar c : email) {
        if (c.isSpace() || c.category() == QChar::Other_Control || c == u'<' || c == u'>' ||
            c == u'"' || c == u',' || c == u';' || c == u'\\')
            return false;
    }
    const QString domain = email.mid(at + 1);
    const qsizetype dot = domain.lastIndexOf(u'.');
    return dot > 0 && dot < domain.size() - 1 && !domain.startsWith(u'.') &&
           !domain.contains(QLatin1String(".."));
}

} // namespace cr
