#pragma once

#include "datasource/AccountCreation.h"

#include <QDialog>

class QLabel;
class QLineEdit;
class QPushButton;

namespace cr {

class DataSource;

// Shown by the main window when the server has no administrator yet: e-mail, password and its
// confirmation. The account is made by the server through the DataSource (never in the GUI
// thread); the server's answers (a taken address, the password policy's reasons) appear under
// the fields they concern. Accepted once the account exists.
class FirstRunDialog : public QDialog
{
    Q_OBJECT
public:
    explicit FirstRunDialog(DataSource *source, QWidget *parent = nullptr);

    QString createdEmail() const { return m_createdEmail; }

private:
    void submit();
    void onAdminCreated(const AccountCreation &result);
    void showErrors(QLabel *label, const QStringList &errors);
    void setBusy(bool busy);

    DataSource *m_source;
    QLineEdit *m_email;
    QLineEdit *m_password;
    QLineEdit *m_confirm;
    QLabel *m_emailError;
    QLabel *m_passwordError;
    QLabel *m_confirmError;
    QLabel *m_message;
    QPushButton *m_create;
    bool m_waiting = false;
    QString m_createdEmail;
};

} // namespace cr
