#pragma once

#include <QAnyStringView>
#include <QList>
#include <QStringList>
#include <QVariant>

namespace cr {

// The rows a query returned, read completely (no cursor stays open on the connection).
// Column names are as the database reports them (PostgreSQL folds unquoted names to lower
// case: write them lower-case); lookup by name ignores case. Values arrive as the driver types
// them (integers may be int or qlonglong, text is QString, NULL is a null QVariant): read them
// with toLongLong(), toString(), isNull().
class Rows
{
public:
    Rows() = default;
    Rows(QStringList columns, QList<QVariantList> rows);

    int size() const { return int(m_rows.size()); }
    bool isEmpty() const { return m_rows.isEmpty(); }
    const QStringList &columns() const { return m_columns; }
    // The index of a column, or -1.
    int column(QAnyStringView name) const;

    const QVariantList &row(int row) const { return m_rows.at(row); }
    // A null QVariant for a row or column that does not exist.
    QVariant value(int row, int column) const;
    QVariant value(int row, QAnyStringView column) const;

private:
    QStringList m_columns;
    QList<QVariantList> m_rows;
};

} // namespace cr
