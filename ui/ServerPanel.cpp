#include "ui/ServerPanel.h"

#include "ui/StatusLight.h"
#include "ui/StatusPresentation.h"

#include <QClipboard>
#include <QFormLayout>
#include <QGuiApplication>
#include <QHBoxLayout>
#include <QLabel>
#include <QToolButton>

namespace cr {

ServerPanel::ServerPanel(const QString &sourceDescription, QWidget *parent)
    : QGroupBox(tr("Server"), parent)
{
    setObjectName(QStringLiteral("serverPanel"));

    auto *source = new QLabel(sourceDescription);
    source->setObjectName(QStringLiteral("sourceLabel"));

    m_light = new StatusLight;
    m_light->setObjectName(QStringLiteral("serverLight"));
    m_state = new QLabel;
    m_state->setObjectName(QStringLiteral("serverStateLabel"));
    auto *stateRow = new QHBoxLayout;
    stateRow->setContentsMargins(0, 0, 0, 0);
    stateRow->addWidget(m_light);
    stateRow->addWidget(m_state, 1);

    m_url = new QLabel;
    m_url->setObjectName(QStringLiteral("urlLabel"));
    m_url->setTextFormat(Qt::PlainText);
    m_url->setTextInteractionFlags(Qt::TextSelectableByMouse | Qt::TextSelectableByKeyboard);
    m_url->setCursor(Qt::IBeamCursor);
    QFont mono = m_url->font();
    mono.setFamily(QStringLiteral("monospace"));
    mono.setStyleHint(QFont::Monospace);
    m_url->setFont(mono);
    m_copy = new QToolButton;
    m_copy->setObjectName(QStringLiteral("copyUrlButton"));
    m_copy->setText(tr("Copy"));
    m_copy->setToolTip(tr("Copy the address to the clipboard"));
    m_copy->setEnabled(false);
    connect(m_copy, &QToolButton::clicked, this,
            [this] { QGuiApplication::clipboard()->setText(m_url->text()); });
    auto *urlRow = new QHBoxLayout;
    urlRow->setContentsMargins(0, 0, 0, 0);
    urlRow->addWidget(m_url, 1);
    urlRow->addWidget(m_copy);

    m_error = new QLabel;
    m_error->setObjectName(QStringLiteral("errorLabel"));
    m_error->setTextFormat(Qt::PlainText);
    m_error->setWordWrap(true);
    m_error->setTextInteractionFlags(Qt::TextSelectableByMouse);
    QPalette palette = m_error->palette();
    palette.setColor(QPalette::WindowText, StatusPresentation::red());
    m_error->setPalette(palette);
    m_error->hide();

    auto *form = new QFormLayout(this);
    form->setFieldGrowthPolicy(QFormLayout::AllNonFixedFieldsGrow);
    form->addRow(tr("Source:"), source);
    form->addRow(tr("State:"), stateRow);
    form->addRow(tr("Listening on:"), urlRow);
    form->addRow(m_error);

    setStatus(ServerStatus());
}

void ServerPanel::setStatus(const ServerStatus &status)
{
    m_light->setColor(StatusPresentation::serverStateColor(status.state));
    m_state->setText(StatusPresentation::serverState(status.state));
    const bool listening = !status.url.isEmpty();
    m_url->setText(listening ? status.url : tr("not listening"));
    m_url->setEnabled(listening);
    m_copy->setEnabled(listening);
    m_error->setText(status.errorMessage);
    m_error->setVisible(!status.errorMessage.isEmpty());
}

} // namespace cr
