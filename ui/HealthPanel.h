#pragma once

#include "datasource/HealthView.h"

#include <QGroupBox>

class QLabel;
class QTableWidget;

namespace cr {

class StatusLight;

// "Health": the overall verdict with a coloured light, one row per check (status, latency), the
// number of WebSocket clients, the uptime and when the checks last ran.
class HealthPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit HealthPanel(QWidget *parent = nullptr);

    // running: whether the server is up at all; otherwise the panel shows that there is nothing
    // to check.
    void setHealth(const HealthView &health, bool running);

private:
    void fillChecks(const QList<HealthCheckView> &checks);

    StatusLight *m_light = nullptr;
    QLabel *m_overall = nullptr;
    QTableWidget *m_checks = nullptr;
    QLabel *m_clients = nullptr;
    QLabel *m_uptime = nullptr;
    QLabel *m_checkedAt = nullptr;
};

} // namespace cr
