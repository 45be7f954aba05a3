#include "ui/HealthPanel.h"

#include "ui/StatusLight.h"
#include "ui/StatusPresentation.h"

#include <QFormLayout>
#include <QHBoxLayout>
#include <QHeaderView>
#include <QLabel>
#include <QLocale>
#include <QTableWidget>
#include <QVBoxLayout>

namespace cr {
namespace {

enum Column
{
    NameColumn,
    StatusColumn,
    LatencyColumn,
    ColumnCount
};

QTableWidgetItem *cell(const QString &text)
{
    auto *item = new QTableWidgetItem(text);
    item->setFlags(Qt::ItemIsEnabled | Qt::ItemIsSelectable);
    return item;
}

} // namespace

HealthPanel::HealthPanel(QWidget *parent)
    : QGroupBox(tr("Health"), parent)
{
    setObjectName(QStringLiteral("healthPanel"));

    m_light = new StatusLight;
    m_light->setObjectName(QStringLiteral("healthLight"));
    m_overall = new QLabel;
    m_overall->setObjectName(QStringLiteral("overallLabel"));
    QFont big = m_overall->font();
    big.setPointSizeF(big.pointSizeF() * 1.4);
    big.setBold(true);
    m_overall->setFont(big);
    auto *verdict = new QHBoxLayout;
    verdict->addWidget(m_light);
    verdict->addWidget(m_overall, 1);

    m_checks = new QTableWidget(0, ColumnCount);
    m_checks->setObjectName(QStringLiteral("checksTable"));
    m_checks->setHorizontalHeaderLabels({tr("Check"), tr("Status"), tr("Latency")});
    m_checks->verticalHeader()->hide();
    m_checks->horizontalHeader()->setDefaultAlignment(Qt::AlignLeft | Qt::AlignVCenter);
    m_checks->setEditTriggers(QAbstractItemView::NoEditTriggers);
    m_checks->setSelectionBehavior(QAbstractItemView::SelectRows);
    m_checks->setAlternatingRowColors(true);
    m_checks->setShowGrid(false);
    m_checks->horizontalHeader()->setSectionResizeMode(NameColumn, QHeaderView::Stretch);
    m_checks->horizontalHeader()->setSectionResizeMode(StatusColumn, QHeaderView::ResizeToContents);
    m_checks->horizontalHeader()->setSectionResizeMode(LatencyColumn,
                                                       QHeaderView::ResizeToContents);
    m_checks->setVerticalScrollBarPolicy(Qt::ScrollBarAsNeeded);
    m_checks->setSizePolicy(QSizePolicy::Expanding, QSizePolicy::Fixed);

    m_clients = new QLabel;
    m_clients->setObjectName(QStringLiteral("webSocketClientsLabel"));
    m_uptime = new QLabel;
    m_uptime->setObjectName(QStringLiteral("uptimeLabel"));
    m_checkedAt = new QLabel;
    m_checkedAt->setObjectName(QStringLiteral("checkedAtLabel"));
    auto *facts = new QFormLayout;
    facts->addRow(tr("WebSocket clients:"), m_clients);
    facts->addRow(tr("Uptime:"), m_uptime);
    facts->addRow(tr("Last check:"), m_checkedAt);

    auto *layout = new QVBoxLayout(this);
    layout->addLayout(verdict);
    layout->addWidget(m_checks);
    layout->addLayout(facts);

    setHealth(HealthView(), false);
}

void HealthPanel::setHealth(const HealthView &health, bool running)
{
    const QString dash = QStringLiteral("–");
    if (!running) {
        m_light->setColor(StatusPresentation::grey());
        m_overall->setText(tr("Not running"));
    } else if (!health.checked) {
        m_light->setColor(StatusPresentation::grey());
        m_overall->setText(tr("Checking…"));
    } else {
        m_light->setColor(StatusPresentation::overallColor(health.overall));
        m_overall->setText(StatusPresentation::overall(health.overall));
    }
    m_light->setToolTip(m_overall->text());
    fillChecks(running ? health.checks : QList<HealthCheckView>());
    m_clients->setText(running ? QLocale().toString(health.webSocketConnections) : dash);
    m_uptime->setText(running ? StatusPresentation::uptime(health.uptimeSeconds) : dash);
    m_checkedAt->setText(running && health.checkedAt.isValid()
                             ? health.checkedAt.toLocalTime().toString(QStringLiteral("HH:mm:ss"))
                             : dash);
}

void HealthPanel::fillChecks(const QList<HealthCheckView> &checks)
{
    m_checks->setRowCount(int(checks.size()));
    // As tall as its rows (room for at least two, at most eight), not a white expanse.
    const int rows = qBound(2, int(checks.size()), 8);
    m_checks->setFixedHeight(m_checks->horizontalHeader()->sizeHint().height() +
                             rows * m_checks->verticalHeader()->defaultSectionSize() +
                             2 * m_checks->frameWidth());
    for (int row = 0; row < int(checks.size()); ++row) {
        const HealthCheckView &check = checks.at(row);
        QTableWidgetItem *name = cell(StatusPresentation::checkName(check.name));
        name->setData(Qt::UserRole, check.name);
        QTableWidgetItem *status = cell(StatusPresentation::checkStatus(check.status));
        status->setData(Qt::UserRole, check.status);
        status->setIcon(
            StatusPresentation::dot(StatusPresentation::checkStatusColor(check.status)));
        QTableWidgetItem *latency = cell(StatusPresentation::latency(check.latencyMs));
        latency->setData(Qt::UserRole, check.latencyMs);
        latency->setTextAlignment(Qt::AlignRight | Qt::AlignVCenter);
        m_checks->setItem(row, NameColumn, name);
        m_checks->setItem(row, StatusColumn, status);
        m_checks->setItem(row, LatencyColumn, latency);
    }
}

} // namespace cr
