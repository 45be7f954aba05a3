#include "ui/MainWindow.h"

#include "datasource/DataSource.h"
#include "ui/DashboardArea.h"
#include "ui/FirstRunDialog.h"
#include "ui/HealthPanel.h"
#include "ui/ServerPanel.h"
#include "ui/StatusPresentation.h"

#include <QAction>
#include <QCloseEvent>
#include <QLabel>
#include <QMenuBar>
#include <QSplitter>
#include <QStatusBar>
#include <QVBoxLayout>

namespace cr {

MainWindow::MainWindow(DataSource *source, QWidget *parent)
    : QMainWindow(parent)
    , m_source(source)
{
    setObjectName(QStringLiteral("mainWindow"));
    setWindowTitle(tr("CodeRunner Console"));

    m_serverPanel = new ServerPanel(source->description());
    m_healthPanel = new HealthPanel;
    auto *side = new QWidget;
    side->setObjectName(QStringLiteral("sidePanel"));
    auto *sideLayout = new QVBoxLayout(side);
    sideLayout->setContentsMargins(0, 0, 0, 0);
    sideLayout->addWidget(m_serverPanel);
    sideLayout->addWidget(m_healthPanel);
    sideLayout->addStretch(1);

    m_dashboards = new DashboardArea;

    auto *splitter = new QSplitter(Qt::Horizontal);
    splitter->setObjectName(QStringLiteral("mainSplitter"));
    splitter->setChildrenCollapsible(false);
    splitter->addWidget(side);
    splitter->addWidget(m_dashboards);
    splitter->setStretchFactor(0, 0);
    splitter->setStretchFactor(1, 1);
    splitter->setSizes({400, 700});

    auto *central = new QWidget;
    auto *centralLayout = new QVBoxLayout(central);
    centralLayout->setContentsMargins(9, 9, 9, 0);
    centralLayout->addWidget(splitter);
    setCentralWidget(central);

    buildMenus();

    m_stateMessage = new QLabel;
    m_stateMessage->setObjectName(QStringLiteral("stateMessage"));
    statusBar()->addWidget(m_stateMessage, 1);
    auto *version = new QLabel(tr("CodeRunner %1").arg(QStringLiteral(CODERUNNER_VERSION)));
    version->setObjectName(QStringLiteral("versionLabel"));
    statusBar()->addPermanentWidget(version);

    connect(m_source, &DataSource::statusChanged, this, &MainWindow::onStatusChanged);
    connect(m_source, &DataSource::healthChanged, this, &MainWindow::refreshHealth);
    connect(m_source, &DataSource::firstRunNeeded, this, &MainWindow::onFirstRunNeeded);
    onStatusChanged(m_source->status());

    resize(1100, 700);
}

MainWindow::~MainWindow() = default;

void MainWindow::buildMenus()
{
    QMenu *file = menuBar()->addMenu(tr("&File"));
    m_quitAction = file->addAction(tr("&Quit"));
    m_quitAction->setObjectName(QStringLiteral("quitAction"));
    m_quitAction->setShortcut(QKeySequence(Qt::CTRL | Qt::Key_Q));
    m_quitAction->setShortcutContext(Qt::ApplicationShortcut);
    m_quitAction->setMenuRole(QAction::QuitRole);
    m_quitAction->setStatusTip(tr("Stop the server and leave the console"));
    connect(m_quitAction, &QAction::triggered, this, &MainWindow::requestQuit);
}

void MainWindow::onStatusChanged(const ServerStatus &status)
{
    m_serverPanel->setStatus(status);
    refreshHealth();

    QString message;
    switch (status.state) {
    case ServerState::Stopped:
        message = tr("The server is stopped.");
        break;
    case ServerState::Starting:
        message = tr("Starting the server…");
        break;
    case ServerState::Running:
        message = tr("Listening on %1").arg(status.url);
        break;
    case ServerState::Stopping:
        message = tr("Stopping…");
        break;
    case ServerState::Failed:
        message = tr("The server failed: %1").arg(status.errorMessage);
        break;
    }
    if (m_quitting && status.state != ServerState::Stopping && !status.isIdle())
        message = tr("Stopping…");
    m_stateMessage->setText(message);

    if (m_quitting && status.isIdle())
        finishQuit();
}

void MainWindow::onFirstRunNeeded(bool needed)
{
    if (!needed || m_firstRun || m_quitting)
        return;
    m_firstRun = new FirstRunDialog(m_source, this);
    connect(m_firstRun, &QDialog::finished, this, [this](int result) {
        if (result == QDialog::Accepted)
            m_stateMessage->setText(
                tr("Administrator %1 created. Sign in with it to manage the server.")
                    .arg(m_firstRun->createdEmail()));
        m_firstRun->deleteLater();
        m_firstRun = nullptr;
    });
    m_firstRun->open();
}

void MainWindow::refreshHealth()
{
    m_healthPanel->setHealth(m_source->health(), m_source->status().state == ServerState::Running);
}

void MainWindow::requestQuit()
{
    if (m_quitting)
        return;
    m_quitting = true;
    m_quitAction->setEnabled(false);
    if (m_source->status().isIdle()) {
        finishQuit();
        return;
    }
    setCursor(Qt::BusyCursor);
    m_stateMessage->setText(tr("Stopping…"));
    m_source->stop(); // statusChanged() brings Stopping, then Stopped: onStatusChanged()
}

void MainWindow::finishQuit()
{
    if (m_quitReady)
        return;
    m_quitReady = true;
    unsetCursor();
    Q_EMIT readyToQuit();
}

void MainWindow::closeEvent(QCloseEvent *event)
{
    if (m_quitReady) {
        event->accept();
        return;
    }
    // Not yet: the server stops first; the window goes when the application quits.
    event->ignore();
    requestQuit();
}

} // namespace cr
