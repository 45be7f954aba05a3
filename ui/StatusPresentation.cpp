#include "ui/StatusPresentation.h"

#include <QLocale>
#include <QPainter>
#include <QPixmap>

namespace cr {

QString StatusPresentation::serverState(ServerState state)
{
    switch (state) {
    case ServerState::Stopped:
        return tr("Stopped");
    case ServerState::Starting:
        return tr("Starting…");
    case ServerState::Running:
        return tr("Running");
    case ServerState::Stopping:
        return tr("Stopping…");
    case ServerState::Failed:
        return tr("Failed");
    }
    return tr("Failed");
}

QColor StatusPresentation::serverStateColor(ServerState state)
{
    switch (state) {
    case ServerState::Running:
        return green();
    case ServerState::Starting:
    case ServerState::Stopping:
        return amber();
    case ServerState::Failed:
        return red();
    case ServerState::Stopped:
        break;
    }
    return grey();
}

QString StatusPresentation::overall(const QString &overall)
{
    if (overall == QLatin1String("healthy"))
        return tr("Healthy");
    if (overall == QLatin1String("degraded"))
        return tr("Degraded");
    if (overall == QLatin1String("unhealthy"))
        return tr("Unhealthy");
    return overall;
}

QColor StatusPresentation::overallColor(const QString &overall)
{
    if (overall == QLatin1String("healthy"))
        return green();
    if (overall == QLatin1String("degraded"))
        return amber();
    if (overall == QLatin1String("unhealthy"))
        return red();
    return grey();
}

QString StatusPresentation::checkStatus(const QString &status)
{
    if (status == QLatin1String("ok"))
        return tr("OK");
    if (status == QLatin1String("degraded"))
        return tr("Degraded");
    if (status == QLatin1String("down"))
        return tr("Down");
    return status;
}

QColor StatusPresentation::checkStatusColor(const QString &status)
{
    if (status == QLatin1String("ok"))
        return green();
    if (status == QLatin1String("degraded"))
        return amber();
    if (status == QLatin1String("down"))
        return red();
    return grey();
}

QString StatusPresentation::checkName(const QString &name)
{
    if (name == QLatin1String("database"))
        return tr("Database");
    if (name == QLatin1String("disk"))
        return tr("Disk space");
    if (name == QLatin1String("memory"))
        return tr("Memory");
    if (name == QLatin1String("cpu"))
        return tr("CPU");
    if (name == QLatin1String("eventLoop"))
        return tr("Event loop");
    if (name == QLatin1String("secrets"))
        return tr("Secret store");
    return name;
}

QString StatusPresentation::uptime(qint64 seconds)
{
    seconds = qMax<qint64>(0, seconds);
    const qint64 days = seconds / 86400;
    const QString clock = QStringLiteral("%1:%2:%3")
                              .arg((seconds / 3600) % 24, 2, 10, QLatin1Char('0'))
                              .arg((seconds / 60) % 60, 2, 10, QLatin1Char('0'))
                              .arg(seconds % 60, 2, 10, QLatin1Char('0'));
    if (days == 0)
        return clock;
    return tr("%1 d %2", "uptime: days, then hh:mm:ss").arg(days).arg(clock);
}

QString StatusPresentation::latency(double ms)
{
    return tr("%1 ms").arg(QLocale().toString(ms, 'f', 2));
}

QIcon StatusPresentation::dot(const QColor &color)
{
    QPixmap pixmap(12, 12);
    pixmap.fill(Qt::transparent);
    QPainter painter(&pixmap);
    painter.setRenderHint(QPainter::Antialiasing);
    painter.setPen(QPen(color.darker(140), 1.0));
    painter.setBrush(color);
    painter.drawEllipse(QRectF(1.0, 1.0, 10.0, 10.0));
    return QIcon(pixmap);
}

} // namespace cr
