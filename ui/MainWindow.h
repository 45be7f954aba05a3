#pragma once

#include "datasource/ServerStatus.h"

#include <QMainWindow>

class QAction;
class QLabel;

namespace cr {

class DashboardArea;
class DataSource;
class FirstRunDialog;
class HealthPanel;
class ServerPanel;

// The console's frame: on the left where the server listens and how healthy it is, in the
// middle the dashboards, below a status bar. It knows its server only through a DataSource.
//
// Quitting (File → Quit, Ctrl+Q, or closing the window) asks the source to stop and waits,
// with the window still responsive and "Stopping…" showing, until it has; then it emits
// readyToQuit() and lets itself close. The application leaves its event loop on that signal.
class MainWindow : public QMainWindow
{
    Q_OBJECT
public:
    explicit MainWindow(DataSource *source, QWidget *parent = nullptr);
    ~MainWindow() override;

    DashboardArea *dashboards() const { return m_dashboards; }
    // The first-run dialog while it is shown (the server has no administrator yet).
    FirstRunDialog *firstRunDialog() const { return m_firstRun; }
    bool isQuitting() const { return m_quitting; }

public Q_SLOTS:
    // Stops the source (if it runs) and emits readyToQuit() once it has stopped.
    void requestQuit();

Q_SIGNALS:
    void readyToQuit();

protected:
    void closeEvent(QCloseEvent *event) override;

private:
    void buildMenus();
    void onStatusChanged(const ServerStatus &status);
    void refreshHealth();
    void finishQuit();
    void onFirstRunNeeded(bool needed);

    DataSource *m_source;
    ServerPanel *m_serverPanel = nullptr;
    HealthPanel *m_healthPanel = nullptr;
    DashboardArea *m_dashboards = nullptr;
    QAction *m_quitAction = nullptr;
    QLabel *m_stateMessage = nullptr;
    bool m_quitting = false;
    bool m_quitReady = false;
    FirstRunDialog *m_firstRun = nullptr;
};

} // namespace cr
