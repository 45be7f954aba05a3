#pragma once

#include "datasource/ServerStatus.h"

#include <QGroupBox>

class QLabel;
class QToolButton;

namespace cr {

class StatusLight;

// "Server": which source the console watches, its state and where it listens (selectable, with
// a copy button), and why it failed when it did.
class ServerPanel : public QGroupBox
{
    Q_OBJECT
public:
    explicit ServerPanel(const QString &sourceDescription, QWidget *parent = nullptr);

    void setStatus(const ServerStatus &status);

private:
    StatusLight *m_light = nullptr;
    QLabel *m_state = nullptr;
    QLabel *m_url = nullptr;
    QToolButton *m_copy = nullptr;
    QLabel *m_error = nullptr;
};

} // namespace cr
