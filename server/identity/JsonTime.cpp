#include "identity/JsonTime.h"

#include <QDateTime>

namespace cr {

QString JsonTime::iso(qint64 ms)
{
    return QDateTime::fromMSecsSinceEpoch(ms, Qt::UTC).toString(Qt::ISODateWithMs); // ...Z
}

QJsonValue JsonTime::isoOrNull(qint64 ms)
{
    return ms > 0 ? QJsonValue(iso(ms)) : QJsonValue(QJsonValue::Null);
}

std::optional<qint64> JsonTime::parse(const QString &text)
{
    // A date without a zone would be read as local time: require Z or an offset.
    const QString t = text.trimmed();
    if (t.size() < 20 || t.size() > 40)
        return std::nullopt;
    const bool zoned = t.endsWith(u'Z') || t.endsWith(u'z') || t.at(t.size() - 6) == u'+' ||
                       t.at(t.size() - 6) == u'-';
    if (!zoned)
        return std::nullopt;
    const QDateTime dt = QDateTime::fromString(t, Qt::ISODateWithMs);
    if (!dt.isValid())
        return std::nullopt;
    return dt.toMSecsSinceEpoch();
}

} // namespace cr
