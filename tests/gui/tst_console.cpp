// The console shell, offscreen: the real embedded engine behind the DataSource interface, the
// main window, a real HTTP request and WebSocket client against the engine, and a clean quit.
#include "datasource/DataSource.h"
#include "engine/EmbeddedSource.h"
#include "ui/DashboardArea.h"
#include "ui/FirstRunDialog.h"
#include "ui/MainWindow.h"
#include "ui/StatusLight.h"
#include "ui/StatusPresentation.h"
#include "ui/Translations.h"

#include <QAction>
#include <QDialog>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QLabel>
#include <QLineEdit>
#include <QNetworkAccessManager>
#include <QNetworkProxy>
#include <QNetworkReply>
#include <QPushButton>
#include <QSignalSpy>
#include <QTableWidget>
#include <QTcpServer>
#include <QTcpSocket>
#include <QTemporaryDir>
#include <QTest>
#include <QThread>
#include <QTranslator>
#include <QWebSocket>

namespace {

constexpr int kTimeoutMs = 15000;

cr::Settings consoleSettings(const QString &dataDir)
{
    cr::Settings s;
    s.bind = QStringLiteral("127.0.0.1");
    s.port = 0;
    s.workers = 2;
    s.dataDir = dataDir;
    s.accessLog = false;
    s.healthIntervalMs = 200;
    s.sweepIntervalMs = 20;
    s.shutdownTimeoutMs = 3000;
    s.secretStore = QStringLiteral("keyfile"); // never the keychain of whoever runs the tests
    s.passwordHashMemoryMib = 8;
    s.passwordHashIdlePriority = false;
    return s;
}

QString stateOf(const cr::DataSource &source)
{
    return QString::fromLatin1(cr::serverStateName(source.status().state));
}

QStringList statesIn(const QSignalSpy &spy)
{
    QStringList out;
    for (const QList<QVariant> &args : spy)
        out << QString::fromLatin1(cr::serverStateName(args.at(0).value<cr::ServerStatus>().state));
    return out;
}

template<typename T>
T *child(const QObject &parent, const char *name)
{
    T *found = parent.findChild<T *>(QString::fromLatin1(name));
    if (!found)
        qWarning("no child %s", name);
    return found;
}

int rowOf(const QTableWidget &table, const QString &checkName)
{
    for (int row = 0; row < table.rowCount(); ++row) {
        if (table.item(row, 0) && table.item(row, 0)->data(Qt::UserRole).toString() == checkName)
            return row;
    }
    return -1;
}

// A source that reports whatever the test tells it: the UI needs nothing but the interface.
class FakeSource : public cr::DataSource
{
public:
    void start() override { setStatus({cr::ServerState::Running, m_url, {}}); }
    void stop() override { setStatus({cr::ServerState::Stopping, m_url, {}}); }
    QString description() const override { return QStringLiteral("Fake server"); }
    void report(const cr::ServerStatus &status) { setStatus(status); }
    void report(const cr::HealthView &health) { setHealth(health); }
    QString m_url = QStringLiteral("http://127.0.0.1:9");
};

} // namespace

class TestConsole : public QObject
{
    Q_OBJECT
private Q_SLOTS:
    void showsTheHealthyEmbeddedServerAndQuitsCleanly();
    void closingTheWindowStopsTheServerFirst();
    void reportsAFailedStartAndQuitsAtOnce();
    void showsWhatAnySourceReports();
    void germanTranslationIsCompiledIn();
    void firstRunDialogCreatesTheAdministrator();
    void healthChecksHaveReadableNames();
};

void TestConsole::showsTheHealthyEmbeddedServerAndQuitsCleanly()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cr::EmbeddedSource source(consoleSettings(dir.path()));
    source.setAutoFirstRunCheck(false); // the first-run dialog has its own test
    source.setRefreshIntervalMs(100);
    cr::MainWindow window(&source);
    QSignalSpy statuses(&source, &cr::DataSource::statusChanged);
    QSignalSpy ready(&window, &cr::MainWindow::readyToQuit);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    QVERIFY(!window.dashboards()->hasDashboards());
    QVERIFY(child<QWidget>(window, "dashboardPlaceholder"));

    source.start();
    QCOMPARE(stateOf(source), QStringLiteral("starting")); // start() returns before the engine
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(source), QStringLiteral("running"), kTimeoutMs);

    // The engine runs in its own thread, not the GUI's.
    QThread *engineThread = source.engineThread();
    QVERIFY(engineThread);
    QVERIFY(engineThread != QThread::currentThread());
    QVERIFY(engineThread->isRunning());

    // Where it listens, as selectable text.
    auto *url = child<QLabel>(window, "urlLabel");
    QVERIFY(url);
    QTRY_VERIFY_WITH_TIMEOUT(url->text().startsWith(QLatin1String("http://127.0.0.1:")),
                             kTimeoutMs);
    QCOMPARE(url->text(), source.status().url);
    QVERIFY(url->textInteractionFlags() & Qt::TextSelectableByMouse);
    const QUrl base(url->text());
    QVERIFY(base.port() > 0);

    // Healthy, with a green light and one row per check.
    auto *overall = child<QLabel>(window, "overallLabel");
    QVERIFY(overall);
    QTRY_COMPARE_WITH_TIMEOUT(overall->text(), QStringLiteral("Healthy"), kTimeoutMs);
    auto *light = child<cr::StatusLight>(window, "healthLight");
    QVERIFY(light);
    QCOMPARE(light->color(), QColor(0x2e, 0x9d, 0x4a));
    auto *checks = child<QTableWidget>(window, "checksTable");
    QVERIFY(checks);
    const int databaseRow = rowOf(*checks, QStringLiteral("database"));
    QVERIFY(databaseRow >= 0);
    QVERIFY(rowOf(*checks, QStringLiteral("disk")) >= 0);
    QCOMPARE(checks->item(databaseRow, 1)->data(Qt::UserRole).toString(), QStringLiteral("ok"));
    QVERIFY(checks->item(databaseRow, 2)->text().endsWith(QLatin1String(" ms")));
    auto *uptime = child<QLabel>(window, "uptimeLabel");
    QVERIFY(uptime);
    QVERIFY(uptime->text().contains(QLatin1Char(':')));

    // The same server answers a real HTTP request.
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest request(base.resolved(QUrl(QStringLiteral("/health"))));
    QNetworkReply *reply = nam.get(request);
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kTimeoutMs);
    QCOMPARE(reply->error(), QNetworkReply::NoError);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject body = QJsonDocument::fromJson(reply->readAll()).object();
    const QJsonObject data = body.value(QStringLiteral("data")).toObject();
    QCOMPARE(data.value(QStringLiteral("overall")).toString(), QStringLiteral("healthy"));
    QVERIFY(!data.value(QStringLiteral("checks")).toArray().isEmpty());
    reply->deleteLater();

    // A WebSocket client shows up in the count.
    auto *clients = child<QLabel>(window, "webSocketClientsLabel");
    QVERIFY(clients);
    QCOMPARE(clients->text(), QStringLiteral("0"));
    QWebSocket ws;
    QSignalSpy wsClosed(&ws, &QWebSocket::disconnected);
    QUrl wsUrl = base;
    wsUrl.setScheme(QStringLiteral("ws"));
    wsUrl.setPath(QStringLiteral("/ws"));
    ws.open(wsUrl);
    QTRY_COMPARE_WITH_TIMEOUT(ws.state(), QAbstractSocket::ConnectedState, kTimeoutMs);
    QTRY_COMPARE_WITH_TIMEOUT(clients->text(), QStringLiteral("1"), kTimeoutMs);

    // Ctrl+Q (File → Quit): Stopping… at once (the GUI does not wait inline), then stopped,
    // then ready to quit.
    auto *quit = child<QAction>(window, "quitAction");
    QVERIFY(quit);
    QCOMPARE(quit->shortcut(), QKeySequence(Qt::CTRL | Qt::Key_Q));
    window.activateWindow();
    QVERIFY(QTest::qWaitForWindowActive(&window));
    statuses.clear();
    QTest::keyClick(&window, Qt::Key_Q, Qt::ControlModifier);
    QCOMPARE(stateOf(source), QStringLiteral("stopping"));
    QCOMPARE(child<QLabel>(window, "stateMessage")->text(), QStringLiteral("Stopping…"));
    QVERIFY(!quit->isEnabled());
    QCOMPARE(ready.count(), 0);
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, kTimeoutMs);
    QCOMPARE(stateOf(source), QStringLiteral("stopped"));
    QCOMPARE(statesIn(statuses),
             (QStringList{QStringLiteral("stopping"), QStringLiteral("stopped")}));
    QVERIFY(!source.engineThread());
    QCOMPARE(url->text(), QStringLiteral("not listening"));

    // The engine shut down gracefully: the WebSocket got "going away", the port is closed.
    QTRY_COMPARE_WITH_TIMEOUT(wsClosed.count(), 1, kTimeoutMs);
    QCOMPARE(ws.closeCode(), QWebSocketProtocol::CloseCodeGoingAway);
    QTcpSocket probe;
    probe.connectToHost(QStringLiteral("127.0.0.1"), quint16(base.port()));
    QVERIFY(!probe.waitForConnected(3000));
    QCOMPARE(probe.error(), QAbstractSocket::ConnectionRefusedError);

    // Now the window may close.
    QVERIFY(window.close());
}

void TestConsole::closingTheWindowStopsTheServerFirst()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cr::EmbeddedSource source(consoleSettings(dir.path()));
    source.setAutoFirstRunCheck(false); // the first-run dialog has its own test
    cr::MainWindow window(&source);
    QSignalSpy ready(&window, &cr::MainWindow::readyToQuit);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    source.start();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(source), QStringLiteral("running"), kTimeoutMs);

    QVERIFY(!window.close()); // refused while the server runs; stopping begins
    QVERIFY(window.isVisible());
    QVERIFY(window.isQuitting());
    QCOMPARE(stateOf(source), QStringLiteral("stopping"));
    QVERIFY(!window.close()); // a second close while stopping changes nothing
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, kTimeoutMs);
    QCOMPARE(stateOf(source), QStringLiteral("stopped"));
    QVERIFY(window.close());
    QCOMPARE(ready.count(), 1);
}

void TestConsole::reportsAFailedStartAndQuitsAtOnce()
{
    QTcpServer occupier;
    QVERIFY(occupier.listen(QHostAddress::LocalHost, 0));
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cr::Settings settings = consoleSettings(dir.path());
    settings.port = occupier.serverPort();
    cr::EmbeddedSource source(settings);
    cr::MainWindow window(&source);
    QSignalSpy ready(&window, &cr::MainWindow::readyToQuit);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));

    source.start();
    QTRY_COMPARE_WITH_TIMEOUT(stateOf(source), QStringLiteral("failed"), kTimeoutMs);
    QVERIFY(!source.engineThread());
    QVERIFY(source.status().errorMessage.contains(QLatin1String("cannot listen")));
    auto *error = child<QLabel>(window, "errorLabel");
    QVERIFY(error);
    QVERIFY(error->isVisible());
    QCOMPARE(error->text(), source.status().errorMessage);
    QCOMPARE(child<QLabel>(window, "urlLabel")->text(), QStringLiteral("not listening"));
    QCOMPARE(child<QLabel>(window, "overallLabel")->text(), QStringLiteral("Not running"));

    window.requestQuit(); // nothing to stop: ready at once
    QCOMPARE(ready.count(), 1);
    QCOMPARE(stateOf(source), QStringLiteral("failed"));
}

void TestConsole::showsWhatAnySourceReports()
{
    FakeSource source;
    cr::MainWindow window(&source);
    QSignalSpy ready(&window, &cr::MainWindow::readyToQuit);
    auto *overall = child<QLabel>(window, "overallLabel");
    auto *light = child<cr::StatusLight>(window, "healthLight");
    auto *checks = child<QTableWidget>(window, "checksTable");
    QVERIFY(overall && light && checks);
    QCOMPARE(overall->text(), QStringLiteral("Not running"));

    source.start();
    QCOMPARE(child<QLabel>(window, "urlLabel")->text(), QStringLiteral("http://127.0.0.1:9"));
    QCOMPARE(overall->text(), QStringLiteral("Checking…"));

    cr::HealthView health;
    health.checked = true;
    health.overall = QStringLiteral("degraded");
    health.status = QStringLiteral("degraded");
    health.checks = {{QStringLiteral("database"), QStringLiteral("ok"), 0.5},
                     {QStringLiteral("disk"), QStringLiteral("degraded"), 0.25}};
    health.webSocketConnections = 3;
    health.uptimeSeconds = 2 * 86400 + 3600 + 2 * 60 + 3;
    source.report(health);
    QCOMPARE(overall->text(), QStringLiteral("Degraded"));
    QCOMPARE(light->color(), QColor(0xe0, 0xa1, 0x00));
    QCOMPARE(checks->rowCount(), 2);
    QCOMPARE(checks->item(1, 1)->text(), QStringLiteral("Degraded"));
    QCOMPARE(child<QLabel>(window, "webSocketClientsLabel")->text(), QStringLiteral("3"));
    QCOMPARE(child<QLabel>(window, "uptimeLabel")->text(), QStringLiteral("2 d 01:02:03"));

    health.overall = QStringLiteral("unhealthy");
    source.report(health);
    QCOMPARE(overall->text(), QStringLiteral("Unhealthy"));
    QCOMPARE(light->color(), QColor(0xd3, 0x2f, 0x2f));

    // Quitting waits for the source, however long it takes.
    window.requestQuit();
    QCOMPARE(stateOf(source), QStringLiteral("stopping"));
    QCOMPARE(ready.count(), 0);
    source.report(cr::ServerStatus{cr::ServerState::Stopped, {}, {}});
    QCOMPARE(ready.count(), 1);
    QCOMPARE(overall->text(), QStringLiteral("Not running"));
    QCOMPARE(checks->rowCount(), 0);
}

void TestConsole::germanTranslationIsCompiledIn()
{
    QVERIFY(!cr::installTranslations(QLocale(QLocale::English, QLocale::UnitedStates)));
    QTranslator *german = cr::installTranslations(QLocale(QLocale::German, QLocale::Germany));
    QVERIFY(german);
    FakeSource source;
    cr::MainWindow window(&source);
    QCOMPARE(window.windowTitle(), QStringLiteral("CodeRunner-Konsole"));
    QCOMPARE(child<QAction>(window, "quitAction")->text(), QStringLiteral("&Beenden"));
    QCOMPARE(child<QLabel>(window, "overallLabel")->text(), QStringLiteral("Läuft nicht"));
    QCoreApplication::removeTranslator(german);
    delete german;
}

void TestConsole::firstRunDialogCreatesTheAdministrator()
{
    QTemporaryDir dir;
    QVERIFY(dir.isValid());
    cr::EmbeddedSource source(consoleSettings(dir.path()));
    cr::MainWindow window(&source);
    QSignalSpy ready(&window, &cr::MainWindow::readyToQuit);
    window.show();
    QVERIFY(QTest::qWaitForWindowExposed(&window));
    source.start();

    // A new database has no administrator: the dialog opens once the accounts are available.
    QTRY_VERIFY_WITH_TIMEOUT(window.firstRunDialog(), kTimeoutMs);
    QDialog *dialog = window.firstRunDialog();
    QTRY_VERIFY_WITH_TIMEOUT(dialog->isVisible(), kTimeoutMs);
    auto *email = child<QLineEdit>(*dialog, "firstRunEmail");
    auto *password = child<QLineEdit>(*dialog, "firstRunPassword");
    auto *confirm = child<QLineEdit>(*dialog, "firstRunConfirm");
    auto *create = child<QPushButton>(*dialog, "firstRunCreate");
    auto *passwordError = child<QLabel>(*dialog, "firstRunPasswordError");
    auto *confirmError = child<QLabel>(*dialog, "firstRunConfirmError");
    auto *emailError = child<QLabel>(*dialog, "firstRunEmailError");
    QVERIFY(email && password && confirm && create && passwordError && confirmError && emailError);
    QCOMPARE(password->echoMode(), QLineEdit::Password);

    // Mismatch: refused in the dialog itself.
    QTest::keyClicks(email, QStringLiteral("  First.Admin@Example.com "));
    QTest::keyClicks(password, QStringLiteral("SecureTestPassword123!@#"));
    QTest::keyClicks(confirm, QStringLiteral("SecureTestPassword123!@"));
    QTest::mouseClick(create, Qt::LeftButton);
    QVERIFY(confirmError->isVisible());
    QVERIFY(!confirmError->text().isEmpty());

    // A weak password: the server's policy reasons, under the password field.
    password->setText(QStringLiteral("Password123!"));
    confirm->setText(QStringLiteral("Password123!"));
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(passwordError->isVisible(), kTimeoutMs);
    QVERIFY(!passwordError->text().isEmpty());
    QVERIFY(!confirmError->isVisible());
    QVERIFY(dialog->isVisible());
    QVERIFY(create->isEnabled());

    // A bad address.
    email->setText(QStringLiteral("not an address"));
    password->setText(QStringLiteral("SecureTestPassword123!@#"));
    confirm->setText(QStringLiteral("SecureTestPassword123!@#"));
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(emailError->isVisible(), kTimeoutMs);
    QVERIFY(!passwordError->isVisible());

    // Accepted: the dialog closes and the status bar names the (normalized) address.
    email->setText(QStringLiteral("  First.Admin@Example.com "));
    QTest::mouseClick(create, Qt::LeftButton);
    QTRY_VERIFY_WITH_TIMEOUT(!window.firstRunDialog(), kTimeoutMs);
    QVERIFY(child<QLabel>(window, "stateMessage")->text().contains(u"first.admin@example.com"));

    // No longer needed, and the account signs in over HTTP as an admin.
    QSignalSpy needed(&source, &cr::DataSource::firstRunNeeded);
    source.checkFirstRun();
    QTRY_COMPARE_WITH_TIMEOUT(needed.count(), 1, kTimeoutMs);
    QCOMPARE(needed.at(0).at(0).toBool(), false);
    QNetworkAccessManager nam;
    nam.setProxy(QNetworkProxy::NoProxy);
    QNetworkRequest login(
        QUrl(source.status().url).resolved(QUrl(QStringLiteral("/api/auth/login"))));
    login.setHeader(QNetworkRequest::ContentTypeHeader, QStringLiteral("application/json"));
    QNetworkReply *reply = nam.post(
        login,
        QJsonDocument(
            QJsonObject{{QStringLiteral("email"), QStringLiteral("first.admin@example.com")},
                        {QStringLiteral("password"), QStringLiteral("SecureTestPassword123!@#")}})
            .toJson());
    QTRY_VERIFY_WITH_TIMEOUT(reply->isFinished(), kTimeoutMs);
    QCOMPARE(reply->attribute(QNetworkRequest::HttpStatusCodeAttribute).toInt(), 200);
    const QJsonObject user =
        QJsonDocument::fromJson(reply->readAll()).object().value(QStringLiteral("user")).toObject();
    QCOMPARE(user.value(QStringLiteral("role")).toString(), QStringLiteral("admin"));
    reply->deleteLater();

    window.requestQuit();
    QTRY_COMPARE_WITH_TIMEOUT(ready.count(), 1, kTimeoutMs);
    QVERIFY(window.close());
}

void TestConsole::healthChecksHaveReadableNames()
{
    const QStringList names = {QStringLiteral("database"),  QStringLiteral("disk"),
                               QStringLiteral("memory"),    QStringLiteral("cpu"),
                               QStringLiteral("eventLoop"), QStringLiteral("secrets")};
    QStringList shown;
    for (const QString &name : names)
        shown << cr::StatusPresentation::checkName(name);
    QCOMPARE(shown, QStringList({QStringLiteral("Database"), QStringLiteral("Disk space"),
                                 QStringLiteral("Memory"), QStringLiteral("CPU"),
                                 QStringLiteral("Event loop"), QStringLiteral("Secret store")}));
    // A check this console does not know yet is shown by its own name.
    QCOMPARE(cr::StatusPresentation::checkName(QStringLiteral("sandbox")),
             QStringLiteral("sandbox"));
}

QTEST_MAIN(TestConsole)
#include "tst_console.moc"
