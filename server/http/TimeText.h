#pragma once

#include <QByteArray>
#include <QtGlobal>

namespace cr {

// Per-thread caches of formatted time: the ISO-8601 timestamp of the envelope (re-formatted
// once per millisecond at most) and the IMF-fixdate of the Date header (once per second).
class TimeText
{
public:
    // "2026-12-03T16:29:09.123Z"
    static const QByteArray &iso(qint64 wallMs);
    // "Thu, 03 Dec 2026 16:29:09 GMT"
    static const QByteArray &httpDate(qint64 wallMs);
};

} // namespace cr
