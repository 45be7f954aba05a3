#pragma once

#include <QByteArrayView>
#include <QJsonObject>
#include <QJsonValue>

#include <optional>

namespace cr {

// The strict JSON reading tokens need: QJsonDocument for the syntax, plus what it lets pass.
class StrictJson
{
public:
    // The top-level object of `text`, or nullopt when the text is not valid JSON, is not an
    // object, or has a member name twice at the top level (QJsonDocument silently keeps the last
    // one, so {"alg":"EdDSA","alg":"none"} would mean different things to different readers).
    // Duplicates are found by counting member names in the text: escaped spellings of one name
    // ("a" and "\u0061") count twice but collapse to one member, so they are refused as well.
    static std::optional<QJsonObject> parseObject(QByteArrayView text);

    // A JSON number that is a whole number in [min, max] (so 1.5, 1e300, strings, booleans and
    // null are refused); nullopt otherwise.
    static std::optional<qint64> integer(const QJsonValue &value, qint64 min, qint64 max);

private:
    static int countTopLevelNames(QByteArrayView text);
};

} // namespace cr
