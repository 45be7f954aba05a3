#include "core/Settings.h"

#include <QStandardPaths>
#include <QThread>

namespace cr {

int Settings::effectiveWorkers() const
{
    return workers > 0 ? workers : qMax(1, QThread::idealThreadCount());
}

QString Settings::effectiveDataDir() const
{
    if (!dataDir.isEmpty())
        return dataDir;
    return QStandardPaths::writableLocation(QStandardPaths::GenericDataLocation) +
           QStringLiteral("/coderunner");
}

} // namespace cr
