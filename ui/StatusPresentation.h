#pragma once

#include "datasource/ServerStatus.h"

#include <QColor>
#include <QCoreApplication>
#include <QIcon>
#include <QString>

namespace cr {

// The console's words and colours for what a DataSource reports: server states, health words
// (healthy | degraded | unhealthy, ok | degraded | down), check names and durations. The
// source's words are stable identifiers; what the user reads is translated here.
class StatusPresentation
{
    Q_DECLARE_TR_FUNCTIONS(StatusPresentation)
public:
    static QString serverState(ServerState state);
    static QColor serverStateColor(ServerState state);

    static QString overall(const QString &overall); // healthy | degraded | unhealthy
    static QColor overallColor(const QString &overall);

    static QString checkStatus(const QString &status); // ok | degraded | down
    static QColor checkStatusColor(const QString &status);
    static QString checkName(const QString &name); // the checks of today; others as they are

    static QString uptime(qint64 seconds); // 01:02:03, or 2 d 01:02:03
    static QString latency(double ms);     // 0.42 ms
    static QIcon dot(const QColor &color); // a small filled circle for table cells

    static QColor green() { return QColor(0x2e, 0x9d, 0x4a); }
    static QColor amber() { return QColor(0xe0, 0xa1, 0x00); }
    static QColor red() { return QColor(0xd3, 0x2f, 0x2f); }
    static QColor grey() { return QColor(0x9e, 0x9e, 0x9e); }
};

} // namespace cr
