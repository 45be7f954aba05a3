#include "ui/StatusLight.h"

#include <QPainter>

namespace cr {

StatusLight::StatusLight(QWidget *parent)
    : QWidget(parent)
    , m_color(Qt::gray)
{
    setSizePolicy(QSizePolicy::Fixed, QSizePolicy::Fixed);
}

void StatusLight::setColor(const QColor &color)
{
    if (color == m_color)
        return;
    m_color = color;
    update();
}

QSize StatusLight::sizeHint() const
{
    const int side = fontMetrics().height();
    return {side, side};
}

void StatusLight::paintEvent(QPaintEvent *)
{
    QPainter painter(this);
    painter.setRenderHint(QPainter::Antialiasing);
    const qreal side = qMin(width(), height()) - 2.0;
    const QRectF circle((width() - side) / 2.0, (height() - side) / 2.0, side, side);
    painter.setPen(QPen(m_color.darker(140), 1.0));
    painter.setBrush(m_color);
    painter.drawEllipse(circle);
}

} // namespace cr
