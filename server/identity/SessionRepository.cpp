#include "identity/SessionRepository.h"

#include "store/Db.h"

#define CR_SESSION_COLUMNS                                                                         \
    "id, user_id, family_id, device, ip, created_at, last_seen_at, expires_at, revoked_at,"        \
    " rotated_at"

namespace cr {
namespace {

Session sessionAt(const Rows &rows, int i)
{
    Session s;
    s.id = rows.value(i, "id").toString();
    s.userId = rows.value(i, "user_id").toString();
    s.familyId = rows.value(i, "family_id").toString();
    s.device = rows.value(i, "device").toString();
    s.ip = rows.value(i, "ip").toString();
    s.createdAtMs = rows.value(i, "created_at").toLongLong();
    s.lastSeenAtMs = rows.value(i, "last_seen_at").toLongLong();
    s.expiresAtMs = rows.value(i, "expires_at").toLongLong();
    s.revokedAtMs = rows.value(i, "revoked_at").toLongLong();
    s.rotatedAtMs = rows.value(i, "rotated_at").toLongLong();
    return s;
}

} // namespace

Status SessionRepository::insert(Db &db, const Session &s, const QString &refreshHash)
{
    const Result<int> r = db.exec(
        Sql("INSERT INTO sessions (id, user_id, refresh_hash, family_id, device, ip, created_at,"
            " last_seen_at, expires_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {s.id, s.userId, refreshHash, s.familyId, s.device, s.ip, s.createdAtMs, s.lastSeenAtMs,
         s.expiresAtMs});
    if (!r)
        return r.error();
    return {};
}

Result<std::optional<Session>> SessionRepository::findByRefreshHash(Db &db,
                                                                    const QString &refreshHash)
{
    const Result<Rows> rows = db.query(
        Sql("SELECT " CR_SESSION_COLUMNS " FROM sessions WHERE refresh_hash = ?"), {refreshHash});
    if (!rows)
        return rows.error();
    if (rows.value().isEmpty())
        return std::optional<Session>();
    return std::optional<Session>(sessionAt(rows.value(), 0));
}

Result<int> SessionRepository::markRotated(Db &db, const QString &refreshHash, qint64 nowMs)
{
    return db.exec(Sql("UPDATE sessions SET rotated_at = ? WHERE refresh_hash = ?"
                       " AND rotated_at IS NULL AND revoked_at IS NULL"),
                   {nowMs, refreshHash}, Db::Retry::Never);
}

Result<int> SessionRepository::revokeFamily(Db &db, const QString &familyId, const QString &userId,
                                            qint64 nowMs)
{
    return db.exec(Sql("UPDATE sessions SET revoked_at = ? WHERE family_id = ? AND user_id = ?"
                       " AND revoked_at IS NULL"),
                   {nowMs, familyId, userId}, Db::Retry::Idempotent);
}

Result<QStringList> SessionRepository::liveFamilies(Db &db, const QString &userId,
                                                    const QString &exceptFamilyId)
{
    const Result<Rows> rows =
        db.query(Sql("SELECT DISTINCT family_id FROM sessions WHERE user_id = ?"
                     " AND revoked_at IS NULL AND family_id <> ?"),
                 {userId, exceptFamilyId});
    if (!rows)
        return rows.error();
    QStringList out;
    for (int i = 0; i < rows.value().size(); ++i)
        out << rows.value().value(i, 0).toString();
    return out;
}

Result<int> SessionRepository::revokeAllFamilies(Db &db, const QString &userId,
                                                 const QString &exceptFamilyId, qint64 nowMs)
{
    return db.exec(Sql("UPDATE sessions SET revoked_at = ? WHERE user_id = ?"
                       " AND revoked_at IS NULL AND family_id <> ?"),
                   {nowMs, userId, exceptFamilyId}, Db::Retry::Idempotent);
}

Result<Page<Session>> SessionRepository::listLive(Db &db, const QString &userId, qint64 nowMs,
                                                  const PageRequest &request)
{
    const QVariantList where{userId, nowMs};
    const Result<QVariant> total =
        db.scalar(Sql("SELECT count(*) FROM sessions WHERE user_id = ? AND revoked_at IS NULL"
                      " AND rotated_at IS NULL AND expires_at > ?"),
                  where);
    if (!total)
        return total.error();
    const Result<Rows> rows =
        db.query(Sql("SELECT " CR_SESSION_COLUMNS " FROM sessions WHERE user_id = ?"
                     " AND revoked_at IS NULL AND rotated_at IS NULL AND expires_at > ?"
                     " ORDER BY last_seen_at DESC, id LIMIT ? OFFSET ?"),
                 where + QVariantList{request.limit, request.offset()});
    if (!rows)
        return rows.error();
    return Page<Session>::from(request, total.value().toLongLong(), rows.value(), sessionAt);
}

Result<QList<QPair<QString, qint64>>> SessionRepository::revokedSince(Db &db, qint64 sinceMs)
{
    const Result<Rows> rows =
        db.query(Sql("SELECT family_id, MAX(revoked_at) AS revoked_at FROM sessions"
                     " WHERE revoked_at >= ? GROUP BY family_id"),
                 {sinceMs});
    if (!rows)
        return rows.error();
    QList<QPair<QString, qint64>> out;
    for (int i = 0; i < rows.value().size(); ++i)
        out.append({rows.value().value(i, "family_id").toString(),
                    rows.value().value(i, "revoked_at").toLongLong()});
    return out;
}

Result<int> SessionRepository::purgeExpired(Db &db, qint64 beforeMs)
{
    return db.exec(Sql("DELETE FROM sessions WHERE expires_at < ?"), {beforeMs},
                   Db::Retry::Idempotent);
}

} // namespace cr
