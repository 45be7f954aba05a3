#include "identity/LikePattern.h"

namespace cr {

QString LikePattern::contains(const QString &text)
{
    QString out;
    out.reserve(text.size() + 2);
    out += u'%';
    for (const QChar c : text) {
        if (c == u'%' || c == u'_' || c == u'\\')
            out += u'\\';
        out += c;
    }
    out += u'%';
    return out;
}

} // namespace cr
