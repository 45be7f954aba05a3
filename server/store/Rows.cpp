#include "store/Rows.h"

namespace cr {

Rows::Rows(QStringList columns, QList<QVariantList> rows)
    : m_columns(std::move(columns))
    , m_rows(std::move(rows))
{}

int Rows::column(QAnyStringView name) const
{
    for (int i = 0; i < m_columns.size(); ++i) {
        if (QAnyStringView::compare(name, m_columns.at(i), Qt::CaseInsensitive) == 0)
            return i;
    }
    return -1;
}

QVariant Rows::value(int row, int column) const
{
    if (row < 0 || row >= m_rows.size())
        return {};
    const QVariantList &values = m_rows.at(row);
    if (column < 0 || column >= values.size())
        return {};
    return values.at(column);
}

QVariant Rows::value(int row, QAnyStringView column) const
{
    return value(row, this->column(column));
}

} // namespace cr
