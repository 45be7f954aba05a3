#pragma once

#include <QColor>
#include <QWidget>

namespace cr {

// A round coloured indicator, the size of a line of text: green, amber, red or grey.
class StatusLight : public QWidget
{
    Q_OBJECT
public:
    explicit StatusLight(QWidget *parent = nullptr);

    QColor color() const { return m_color; }
    void setColor(const QColor &color);

    QSize sizeHint() const override;
    QSize minimumSizeHint() const override { return sizeHint(); }

protected:
    void paintEvent(QPaintEvent *event) override;

private:
    QColor m_color;
};

} // namespace cr
