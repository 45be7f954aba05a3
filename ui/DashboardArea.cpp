#include "ui/DashboardArea.h"

#include <QHBoxLayout>
#include <QLabel>
#include <QVBoxLayout>

namespace cr {

DashboardArea::DashboardArea(QWidget *parent)
    : QTabWidget(parent)
{
    setObjectName(QStringLiteral("dashboards"));
    setDocumentMode(true);

    m_placeholder = new QWidget;
    m_placeholder->setObjectName(QStringLiteral("dashboardPlaceholder"));
    auto *title = new QLabel(tr("No dashboards yet"));
    QFont big = title->font();
    big.setPointSizeF(big.pointSizeF() * 1.5);
    big.setBold(true);
    title->setFont(big);
    title->setAlignment(Qt::AlignCenter);
    auto *text = new QLabel(
        tr("Dashboards arrive with the observability/console issue: request rates, latency, "
           "errors and WebSocket traffic will be charted here.\n\n"
           "Until then, the panel on the left shows where the server listens and how healthy "
           "it is."));
    text->setObjectName(QStringLiteral("placeholderText"));
    text->setAlignment(Qt::AlignCenter);
    text->setWordWrap(true);
    QPalette muted = text->palette();
    muted.setColor(QPalette::WindowText, muted.color(QPalette::PlaceholderText));
    text->setPalette(muted);

    // A column of readable width in the middle of the page. (Word-wrapped labels get their
    // height for the column's width only without alignment flags.)
    auto *column = new QWidget;
    column->setMaximumWidth(560);
    auto *columnLayout = new QVBoxLayout(column);
    columnLayout->addWidget(title);
    columnLayout->addSpacing(12);
    columnLayout->addWidget(text);
    auto *row = new QHBoxLayout;
    row->addStretch(1);
    row->addWidget(column, 4);
    row->addStretch(1);
    auto *layout = new QVBoxLayout(m_placeholder);
    layout->addStretch(2);
    layout->addLayout(row);
    layout->addStretch(3);
    addTab(m_placeholder, tr("Dashboards"));
}

void DashboardArea::addDashboard(QWidget *page, const QString &title)
{
    if (m_placeholder) {
        removeTab(indexOf(m_placeholder));
        m_placeholder->deleteLater();
        m_placeholder = nullptr;
    }
    addTab(page, title);
}

} // namespace cr
