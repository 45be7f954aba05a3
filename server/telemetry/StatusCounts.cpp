#include "telemetry/StatusCounts.h"

namespace cr {

void StatusCounts::count(int status, quint64 n)
{
    if (status >= 200 && status < 300)
        s2xx += n;
    else if (status >= 300 && status < 400)
        s3xx += n;
    else if (status >= 400 && status < 500)
        s4xx += n;
    else if (status >= 500)
        s5xx += n;
    if (status == 429)
        s429 += n;
}

StatusCounts &StatusCounts::operator+=(const StatusCounts &other)
{
    s2xx += other.s2xx;
    s3xx += other.s3xx;
    s4xx += other.s4xx;
    s5xx += other.s5xx;
    s429 += other.s429;
    return *this;
}

QJsonObject StatusCounts::toJson() const
{
    return QJsonObject{{QStringLiteral("2xx"), double(s2xx)},
                       {QStringLiteral("3xx"), double(s3xx)},
                       {QStringLiteral("4xx"), double(s4xx)},
                       {QStringLiteral("5xx"), double(s5xx)},
                       {QStringLiteral("429"), double(s429)}};
}

} // namespace cr
