#include "auth/StrictJson.h"

#include <QJsonDocument>
#include <QJsonParseError>

#include <cmath>

namespace cr {

std::optional<QJsonObject> StrictJson::parseObject(QByteArrayView text)
{
    QJsonParseError error;
    const QJsonDocument doc = QJsonDocument::fromJson(text.toByteArray(), &error);
    if (error.error != QJsonParseError::NoError || !doc.isObject())
        return std::nullopt;
    QJsonObject obj = doc.object();
    if (countTopLevelNames(text) != obj.size())
        return std::nullopt;
    return obj;
}

int StrictJson::countTopLevelNames(QByteArrayView text)
{
    // Runs only on text QJsonDocument accepted, so it can be simple: track nesting depth and
    // strings; a string that closes at depth 1 and is followed by ':' is a member name.
    int depth = 0;
    int names = 0;
    bool inString = false;
    bool escaped = false;
    const qsizetype n = text.size();
    for (qsizetype i = 0; i < n; ++i) {
        const char c = text[i];
        if (inString) {
            if (escaped) {
                escaped = false;
            } else if (c == '\\') {
                escaped = true;
            } else if (c == '"') {
                inString = false;
                if (depth == 1) {
                    qsizetype j = i + 1;
                    while (j < n && (text[j] == ' ' || text[j] == '\t' || text[j] == '\n' ||
                                     text[j] == '\r'))
                        ++j;
                    if (j < n && text[j] == ':')
                        ++names;
                }
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            break;
        case '{':
        case '[':
            ++depth;
            break;
        case '}':
        case ']':
            --depth;
            break;
        default:
            break;
        }
    }
    return names;
}

std::optional<qint64> StrictJson::integer(const QJsonValue &value, qint64 min, qint64 max)
{
    if (!value.isDouble())
        return std::nullopt;
    const double d = value.toDouble();
    // 2^53: beyond it doubles no longer hold every integer.
    if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9007199254740992.0)
        return std::nullopt;
    const auto v = static_cast<qint64>(d);
    if (v < min || v > max)
        return std::nullopt;
    return v;
}

} // namespace cr
