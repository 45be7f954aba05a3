#pragma once

#include <QLoggingCategory>
#include <QString>

Q_DECLARE_LOGGING_CATEGORY(lcCore)
Q_DECLARE_LOGGING_CATEGORY(lcHttp)
Q_DECLARE_LOGGING_CATEGORY(lcAccess)
Q_DECLARE_LOGGING_CATEGORY(lcWs)
Q_DECLARE_LOGGING_CATEGORY(lcHealth)

namespace cr {

// Installs the process-wide message handler: text or JSON lines on stderr, filtered by level;
// the access log category can be switched off on its own.
void installLogging(const QString &format, const QString &level, bool accessLog);

} // namespace cr
