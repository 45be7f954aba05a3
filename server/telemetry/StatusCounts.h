#pragma once

#include <QJsonObject>
#include <QtGlobal>

namespace cr {

// Responses by status class, as the telemetry slices, windows and history points count them.
struct StatusCounts
{
    quint64 s2xx = 0;
    quint64 s3xx = 0;
    quint64 s4xx = 0;
    quint64 s5xx = 0;
    quint64 s429 = 0; // also counted in s4xx

    // `n` responses with `status` (1xx is not counted).
    void count(int status, quint64 n);
    StatusCounts &operator+=(const StatusCounts &other);
    // {"2xx", "3xx", "4xx", "5xx", "429"}
    QJsonObject toJson() const;
};

} // namespace cr
