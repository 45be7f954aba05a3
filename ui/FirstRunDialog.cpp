#include "ui/FirstRunDialog.h"

#include "datasource/DataSource.h"

#include <QDialogButtonBox>
#include <QFormLayout>
#include <QLabel>
#include <QLineEdit>
#include <QPushButton>
#include <QVBoxLayout>

namespace cr {
namespace {

QLabel *errorLabel(const char *name)
{
    auto *label = new QLabel;
    label->setObjectName(QString::fromLatin1(name));
    label->setWordWrap(true);
    label->setStyleSheet(QStringLiteral("color: #b3261e;"));
    label->setVisible(false);
    return label;
}

QLineEdit *field(const char *name, bool secret)
{
    auto *edit = new QLineEdit;
    edit->setObjectName(QString::fromLatin1(name));
    if (secret)
        edit->setEchoMode(QLineEdit::Password);
    edit->setMinimumWidth(320);
    return edit;
}

} // namespace

FirstRunDialog::FirstRunDialog(DataSource *source, QWidget *parent)
    : QDialog(parent)
    , m_source(source)
    , m_email(field("firstRunEmail", false))
    , m_password(field("firstRunPassword", true))
    , m_confirm(field("firstRunConfirm", true))
    , m_emailError(errorLabel("firstRunEmailError"))
    , m_passwordError(errorLabel("firstRunPasswordError"))
    , m_confirmError(errorLabel("firstRunConfirmError"))
    , m_message(errorLabel("firstRunMessage"))
{
    setObjectName(QStringLiteral("firstRunDialog"));
    setWindowTitle(tr("Create the administrator"));
    setModal(true);

    auto *intro = new QLabel(tr("This server has no administrator yet. Create the first "
                                "administrator account: it can manage users, roles and the "
                                "server's settings."));
    intro->setWordWrap(true);
    m_email->setPlaceholderText(tr("admin@example.com"));
    m_password->setPlaceholderText(tr("at least 12 characters"));

    auto *form = new QFormLayout;
    form->addRow(tr("E-mail:"), m_email);
    form->addRow(QString(), m_emailError);
    form->addRow(tr("Password:"), m_password);
    form->addRow(QString(), m_passwordError);
    form->addRow(tr("Confirm password:"), m_confirm);
    form->addRow(QString(), m_confirmError);

    auto *buttons = new QDialogButtonBox;
    m_create = buttons->addButton(tr("Create administrator"), QDialogButtonBox::AcceptRole);
    m_create->setObjectName(QStringLiteral("firstRunCreate"));
    m_create->setDefault(true);
    QPushButton *later = buttons->addButton(tr("Later"), QDialogButtonBox::RejectRole);
    later->setObjectName(QStringLiteral("firstRunLater"));
    connect(m_create, &QPushButton::clicked, this, &FirstRunDialog::submit);
    connect(later, &QPushButton::clicked, this, &QDialog::reject);

    auto *layout = new QVBoxLayout(this);
    layout->addWidget(intro);
    layout->addLayout(form);
    layout->addWidget(m_message);
    layout->addWidget(buttons);

    connect(m_source, &DataSource::adminCreated, this, &FirstRunDialog::onAdminCreated);
}

void FirstRunDialog::showErrors(QLabel *label, const QStringList &errors)
{
    label->setText(errors.join(QLatin1Char('\n')));
    label->setVisible(!errors.isEmpty());
    // Grow (or shrink) with the messages, so none is cut off.
    layout()->activate();
    resize(width(), heightForWidth(width()) > 0 ? heightForWidth(width()) : sizeHint().height());
}

void FirstRunDialog::setBusy(bool busy)
{
    m_waiting = busy;
    m_create->setEnabled(!busy);
    m_create->setText(busy ? tr("Creating…") : tr("Create administrator"));
}

void FirstRunDialog::submit()
{
    if (m_waiting)
        return;
    showErrors(m_emailError, {});
    showErrors(m_passwordError, {});
    showErrors(m_confirmError, {});
    showErrors(m_message, {});
    if (m_email->text().trimmed().isEmpty()) {
        showErrors(m_emailError, {tr("Enter an e-mail address.")});
        return;
    }
    if (m_password->text() != m_confirm->text()) {
        showErrors(m_confirmError, {tr("The passwords do not match.")});
        return;
    }
    setBusy(true);
    m_source->createFirstAdmin(m_email->text(), m_password->text());
}

void FirstRunDialog::onAdminCreated(const AccountCreation &result)
{
    if (!m_waiting)
        return;
    setBusy(false);
    if (result.ok) {
        m_createdEmail = result.email;
        m_password->clear();
        m_confirm->clear();
        accept();
        return;
    }
    showErrors(m_emailError, result.emailErrors);
    showErrors(m_passwordError, result.passwordErrors);
    if (result.emailErrors.isEmpty() && result.passwordErrors.isEmpty())
        showErrors(m_message, {result.message});
    else if (!result.passwordErrors.isEmpty())
        m_password->setFocus();
}

} // namespace cr
