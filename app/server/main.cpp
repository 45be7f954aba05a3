// coderunner-server: the headless API server. The composition root for the engine alone.
#include "CommandLine.h"
#include "ServerCommands.h"
#include "UnixSignals.h"

#include "core/Logging.h"
#include "engine/Engine.h"

#include <QCoreApplication>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Qt's plain UNIX event dispatcher instead of glib's: two fewer system calls per response
    // in every worker thread (docs/PERFORMANCE.md).
    qputenv("QT_NO_GLIB", "1");
    QCoreApplication app(argc, argv);
    QCoreApplication::setApplicationName(QStringLiteral("coderunner-server"));
    QCoreApplication::setApplicationVersion(QStringLiteral(CODERUNNER_VERSION));
    // user add|list, keys rotate|list: administration without starting the server.
    if (ServerCommands::isVerb(QCoreApplication::arguments()))
        return ServerCommands::run(QCoreApplication::arguments());

    cr::Result<cr::Settings> settings =
        settingsFromCommandLine(app, QStringLiteral("CodeRunner headless API server."));
    if (!settings) {
        std::fprintf(stderr, "coderunner-server: %s\n", qPrintable(settings.error().message));
        return 2;
    }
    cr::installLogging(settings.value().logFormat, settings.value().logLevel,
                       settings.value().accessLog);

    cr::Engine engine(settings.value());
    if (cr::Status st = engine.start(); !st) {
        std::fprintf(stderr, "coderunner-server: %s\n", qPrintable(st.error().message));
        return 1;
    }
    std::printf("listening on %s\n", qPrintable(engine.url()));
    std::fflush(stdout);

    UnixSignals signals;
    QObject::connect(&signals, &UnixSignals::terminationRequested, &engine, [&engine](int) {
        qCInfo(lcCore) << "shutting down";
        engine.shutdown();
    });
    QObject::connect(&engine, &cr::Engine::stopped, &app, [] { QCoreApplication::exit(0); });
    return app.exec();
}
