#include "http/TimeText.h"

#include <QDateTime>

namespace cr {
namespace {

struct Cache
{
    qint64 isoMs = -1;
    qint64 isoSecond = -1;
    QByteArray isoSecondText; // "2026-12-03T16:29:09."
    QByteArray isoText;
    qint64 dateSecond = -1;
    QByteArray dateText;
};

thread_local Cache t_cache;

qint64 floorDiv(qint64 a, qint64 b)
{
    return a >= 0 ? a / b : -((-a + b - 1) / b);
}

} // namespace

const QByteArray &TimeText::iso(qint64 wallMs)
{
    Cache &c = t_cache;
    if (wallMs == c.isoMs)
        return c.isoText;
    const qint64 second = floorDiv(wallMs, 1000);
    if (second != c.isoSecond) {
        c.isoSecond = second;
        c.isoSecondText = QDateTime::fromSecsSinceEpoch(second, Qt::UTC)
                              .toString(QStringLiteral("yyyy-MM-ddTHH:mm:ss."))
                              .toLatin1();
    }
    const int ms = int(wallMs - second * 1000);
    char tail[5] = {char('0' + ms / 100), char('0' + ms / 10 % 10), char('0' + ms % 10), 'Z', 0};
    c.isoText = c.isoSecondText;
    c.isoText.append(tail, 4);
    c.isoMs = wallMs;
    return c.isoText;
}

const QByteArray &TimeText::httpDate(qint64 wallMs)
{
    Cache &c = t_cache;
    const qint64 second = floorDiv(wallMs, 1000);
    if (second != c.dateSecond) {
        static const char *const days[] = {"Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"};
        static const char *const months[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                             "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
        const QDateTime t = QDateTime::fromSecsSinceEpoch(second, Qt::UTC);
        const QDate d = t.date();
        const QTime tm = t.time();
        c.dateText = QByteArray(days[d.dayOfWeek() - 1]) + ", " +
                     QByteArray::number(d.day()).rightJustified(2, '0') + ' ' +
                     months[d.month() - 1] + ' ' + QByteArray::number(d.year()) + ' ' +
                     QByteArray::number(tm.hour()).rightJustified(2, '0') + ':' +
                     QByteArray::number(tm.minute()).rightJustified(2, '0') + ':' +
                     QByteArray::number(tm.second()).rightJustified(2, '0') + " GMT";
        c.dateSecond = second;
    }
    return c.dateText;
}

} // namespace cr
