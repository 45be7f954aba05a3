#pragma once

#include <QTabWidget>

namespace cr {

// The console's central area, one tab per dashboard. There are none yet: until the
// observability/console issue adds them, it holds a page that says so.
class DashboardArea : public QTabWidget
{
    Q_OBJECT
public:
    explicit DashboardArea(QWidget *parent = nullptr);

    // Adds a dashboard tab; the placeholder page goes once the first real one arrives.
    void addDashboard(QWidget *page, const QString &title);
    bool hasDashboards() const { return m_placeholder == nullptr; }

private:
    QWidget *m_placeholder = nullptr;
};

} // namespace cr
