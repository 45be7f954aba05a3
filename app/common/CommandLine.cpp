#include "CommandLine.h"

#include "core/SettingsLoader.h"

#include <QCommandLineParser>
#include <QCoreApplication>

cr::Result<cr::Settings> settingsFromCommandLine(const QCoreApplication &app,
                                                 const QString &description)
{
    QCommandLineParser parser;
    parser.setApplicationDescription(
        description + QCoreApplication::translate("main",
                                                  "\nSettings come from defaults < --config file < "
                                                  "CODERUNNER_* environment < command line."));
    parser.addHelpOption();
    parser.addVersionOption();
    const cr::SettingsLoader loader;
    loader.addOptions(parser);
    parser.process(app);
    return loader.load(parser);
}
