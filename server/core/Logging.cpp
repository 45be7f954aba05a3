#include "core/Logging.h"

#include <QDateTime>
#include <QJsonDocument>
#include <QJsonObject>
#include <QMutex>

#include <cstdio>

Q_LOGGING_CATEGORY(lcCore, "cr.core")
Q_LOGGING_CATEGORY(lcHttp, "cr.http")
Q_LOGGING_CATEGORY(lcAccess, "cr.access")
Q_LOGGING_CATEGORY(lcWs, "cr.ws")
Q_LOGGING_CATEGORY(lcHealth, "cr.health")

namespace cr {
namespace {

bool g_json = false;

const char *levelName(QtMsgType type)
{
    switch (type) {
    case QtDebugMsg:
        return "debug";
    case QtInfoMsg:
        return "info";
    case QtWarningMsg:
        return "warning";
    case QtCriticalMsg:
        return "error";
    case QtFatalMsg:
        return "fatal";
    }
    return "info";
}

void handler(QtMsgType type, const QMessageLogContext &context, const QString &message)
{
    const QString ts = QDateTime::currentDateTimeUtc().toString(Qt::ISODateWithMs);
    const QString category = QString::fromLatin1(context.category ? context.category : "default");
    QByteArray line;
    if (g_json) {
        QJsonObject obj{{QStringLiteral("ts"), ts},
                        {QStringLiteral("level"), QString::fromLatin1(levelName(type))},
                        {QStringLiteral("category"), category},
                        {QStringLiteral("message"), message}};
        line = QJsonDocument(obj).toJson(QJsonDocument::Compact);
    } else {
        line = (ts + u' ' + QString::fromLatin1(levelName(type)) + u' ' + category + u' ' + message)
                   .toUtf8();
    }
    line += '\n';
    static QMutex mutex;
    QMutexLocker lock(&mutex);
    std::fwrite(line.constData(), 1, size_t(line.size()), stderr);
    std::fflush(stderr);
}

} // namespace

void installLogging(const QString &format, const QString &level, bool accessLog)
{
    g_json = format == QLatin1String("json");
    QString rules = QStringLiteral("cr.*.debug=false\n");
    if (level == QLatin1String("debug"))
        rules = QStringLiteral("cr.*.debug=true\n");
    if (level == QLatin1String("warning") || level == QLatin1String("error"))
        rules += QStringLiteral("cr.*.info=false\n");
    if (level == QLatin1String("error"))
        rules += QStringLiteral("cr.*.warning=false\n");
    // The access log is an info line of its own category, on unless switched off.
    rules += accessLog ? QStringLiteral("cr.access.info=true\n")
                       : QStringLiteral("cr.access.info=false\n");
    QLoggingCategory::setFilterRules(rules);
    qInstallMessageHandler(handler);
}

} // namespace cr
