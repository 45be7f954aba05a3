#pragma once

#include "core/Result.h"
#include "core/Settings.h"

#include <QString>

class QCoreApplication;

// The command line both executables share: --help, --version and every setting (see
// SettingsLoader). Exits the process for --help/--version/unknown options, as Qt does; returns
// the loaded settings or the error to report (exit code 2).
cr::Result<cr::Settings> settingsFromCommandLine(const QCoreApplication &app,
                                                 const QString &description);
