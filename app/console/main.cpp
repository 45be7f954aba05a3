// coderunner: the operations console. The composition root of the console: settings, logging,
// translations, the embedded engine behind its DataSource, and the main window.
#include "CommandLine.h"
#include "UnixSignals.h"

#include "core/Logging.h"
#include "engine/EmbeddedSource.h"
#include "ui/MainWindow.h"
#include "ui/Translations.h"

#include <QApplication>
#include <QLocale>
#include <QMessageBox>

#include <cstdio>

int main(int argc, char *argv[])
{
    // Qt's plain UNIX event dispatcher instead of glib's: two fewer system calls per response
    // in every worker thread (docs/PERFORMANCE.md).
    qputenv("QT_NO_GLIB", "1");
    QApplication app(argc, argv);
    QApplication::setApplicationName(QStringLiteral("coderunner"));
    QApplication::setApplicationVersion(QStringLiteral(CODERUNNER_VERSION));
    // The window closes only once the server has stopped; readyToQuit() ends the event loop.
    QApplication::setQuitOnLastWindowClosed(false);
    cr::installTranslations(QLocale());
    QApplication::setApplicationDisplayName(
        QCoreApplication::translate("main", "CodeRunner Console"));

    cr::Result<cr::Settings> settings = settingsFromCommandLine(
        app, QCoreApplication::translate(
                 "main", "CodeRunner operations console with an embedded API server."));
    if (!settings) {
        const QString message = settings.error().message;
        std::fprintf(stderr, "coderunner: %s\n", qPrintable(message));
        QMessageBox::critical(
            nullptr, QCoreApplication::translate("main", "CodeRunner Console"),
            QCoreApplication::translate("main", "The settings are not valid:\n%1").arg(message));
        return 2;
    }
    cr::installLogging(settings.value().logFormat, settings.value().logLevel,
                       settings.value().accessLog);

    cr::EmbeddedSource source(settings.value());
    cr::MainWindow window(&source);
    QObject::connect(&window, &cr::MainWindow::readyToQuit, &app,
                     [] { QCoreApplication::exit(0); });
    // SIGINT/SIGTERM quit the same way as File→Quit: the server stops gracefully first.
    UnixSignals signals;
    QObject::connect(&signals, &UnixSignals::terminationRequested, &window,
                     [&window](int) { window.requestQuit(); });
    window.show();
    source.start();
    return app.exec();
}
