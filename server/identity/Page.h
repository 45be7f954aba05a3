#pragma once

#include <QJsonArray>
#include <QJsonObject>
#include <QList>
#include <QString>

namespace cr {

// A page request of a list endpoint (CONTRACT §1: ?page=1&limit=20, limit ≤ 100, ?search=).
struct PageRequest
{
    static constexpr int kMaxLimit = 100;
    int page = 1;
    int limit = 20;
    QString search;

    qint64 offset() const { return qint64(page - 1) * limit; }
};

// One page of a list and the total number of items.
template<class T>
struct Page
{
    QList<T> items;
    qint64 total = 0;
    int page = 1;
    int limit = 20;

    // A page of `request` from query rows, each turned into a T by at(rows, index).
    template<class Rows, class At>
    static Page from(const PageRequest &request, qint64 total, const Rows &rows, At at)
    {
        Page p;
        p.total = total;
        p.page = request.page;
        p.limit = request.limit;
        for (int i = 0; i < rows.size(); ++i)
            p.items.append(at(rows, i));
        return p;
    }

    // CONTRACT §1's list shape: {<plural>: [itemJson(item)...], total, page, limit}.
    template<class ItemJson>
    QJsonObject toJson(const char *plural, ItemJson itemJson) const
    {
        QJsonArray jsonItems;
        for (const T &item : items)
            jsonItems.append(itemJson(item));
        return QJsonObject{{QString::fromLatin1(plural), jsonItems},
                           {QStringLiteral("total"), total},
                           {QStringLiteral("page"), page},
                           {QStringLiteral("limit"), limit}};
    }
};

} // namespace cr
