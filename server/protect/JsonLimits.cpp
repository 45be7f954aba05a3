#include "protect/JsonLimits.h"

namespace cr {

std::optional<Error> JsonLimits::check(const QByteArray &body) const
{
    int depth = 0;
    qint64 items = 0;
    bool inString = false;
    qint64 stringStart = 0;
    // Whether the current container has seen a value yet: a non-empty container of n items has
    // n-1 commas, so items are counted as commas + 1 per non-empty container.
    bool containerEmpty = true;
    const char *p = body.constData();
    const qint64 n = body.size();
    for (qint64 i = 0; i < n; ++i) {
        const char c = p[i];
        if (inString) {
            if (c == '\\') {
                ++i;
            } else if (c == '"') {
                inString = false;
                if (i - stringStart > maxStringBytes)
                    return Error::make(ErrorCode::ValidationError,
                                       QStringLiteral("A string in the request body is longer "
                                                      "than %1 bytes")
                                           .arg(maxStringBytes));
            }
            continue;
        }
        switch (c) {
        case '"':
            inString = true;
            stringStart = i + 1;
            containerEmpty = false;
            break;
        case '{':
        case '[':
            if (++depth > maxDepth)
                return Error::make(
                    ErrorCode::ValidationError,
                    QStringLiteral("The request body nests deeper than %1 levels").arg(maxDepth));
            containerEmpty = true;
            break;
        case '}':
        case ']':
            if (!containerEmpty)
                ++items;
            --depth;
            containerEmpty = false;
            break;
        case ',':
            ++items;
            break;
        case ' ':
        case '\t':
        case '\r':
        case '\n':
            break;
        default:
            containerEmpty = false;
            break;
        }
        if (items > maxKeys)
            return Error::make(ErrorCode::ValidationError,
                               QStringLiteral("The request body has more than %1 members and "
                                              "elements")
                                   .arg(maxKeys));
    }
    if (inString && n - stringStart > maxStringBytes)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("A string in the request body is longer than %1 bytes")
                               .arg(maxStringBytes));
    return std::nullopt;
}

} // namespace cr
