#include "identity/AuditRepository.h"

#include "identity/LikePattern.h"
#include "store/Db.h"

#include <QJsonDocument>

namespace cr {

Status AuditRepository::append(Db &db, const AuditEntry &e)
{
    const Result<int> r = db.exec(
        Sql("INSERT INTO audit_log (at, actor_id, action, target, ip, result, details)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"),
        {e.atMs, e.actorId.isEmpty() ? QVariant() : QVariant(e.actorId), e.action, e.target, e.ip,
         e.result, QString::fromUtf8(QJsonDocument(e.details).toJson(QJsonDocument::Compact))});
    if (!r)
        return r.error();
    return {};
}

Result<Page<AuditEntry>> AuditRepository::list(Db &db, const PageRequest &request)
{
    const QString pattern = LikePattern::contains(request.search.toLower());
    const QVariantList where{request.search, pattern};
    const Result<QVariant> total =
        db.scalar(Sql("SELECT count(*) FROM audit_log WHERE (? = '' OR lower(action) LIKE ?"
                      " ESCAPE '\\')"),
                  where);
    if (!total)
        return total.error();
    const Result<Rows> rows = db.query(
        Sql("SELECT a.id, a.at, a.actor_id, u.email AS actor_email, a.action, a.target, a.ip,"
            " a.result, a.details FROM audit_log a LEFT JOIN users u ON u.id = a.actor_id"
            " WHERE (? = '' OR lower(a.action) LIKE ? ESCAPE '\\')"
            " ORDER BY a.id DESC LIMIT ? OFFSET ?"),
        where + QVariantList{request.limit, request.offset()});
    if (!rows)
        return rows.error();
    Page<AuditEntry> page;
    page.total = total.value().toLongLong();
    page.page = request.page;
    page.limit = request.limit;
    const Rows &r = rows.value();
    for (int i = 0; i < r.size(); ++i) {
        AuditEntry e;
        e.id = r.value(i, "id").toLongLong();
        e.atMs = r.value(i, "at").toLongLong();
        e.actorId = r.value(i, "actor_id").toString();
        e.actorEmail = r.value(i, "actor_email").toString();
        e.action = r.value(i, "action").toString();
        e.target = r.value(i, "target").toString();
        e.ip = r.value(i, "ip").toString();
        e.result = r.value(i, "result").toString();
        e.details = QJsonDocument::fromJson(r.value(i, "details").toString().toUtf8()).object();
        page.items.append(e);
    }
    return page;
}

} // namespace cr
