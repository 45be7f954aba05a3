#pragma once

#include <QJsonValue>
#include <QString>
#include <QtGlobal>

#include <optional>

namespace cr {

// Times on the wire (CONTRACT §1): ISO-8601 UTC with milliseconds and Z. Stored times are
// milliseconds since the Unix epoch; 0 stands for "never" and becomes JSON null.
class JsonTime
{
public:
    static QString iso(qint64 ms);
    static QJsonValue isoOrNull(qint64 ms);
    // Parses an ISO-8601 date-time with an offset or Z; nullopt for anything else.
    static std::optional<qint64> parse(const QString &text);
};

} // namespace cr
