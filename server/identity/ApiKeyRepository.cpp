#include "identity/ApiKeyRepository.h"

#include "identity/User.h"
#include "store/Db.h"

#define CR_API_KEY_COLUMNS                                                                         \
    "id, user_id, name, key_hash, role, created_at, expires_at, last_used_at, revoked_at"

namespace cr {
namespace {

ApiKey keyAt(const Rows &rows, int i)
{
    ApiKey k;
    k.id = rows.value(i, "id").toString();
    k.userId = rows.value(i, "user_id").toString();
    k.name = rows.value(i, "name").toString();
    k.keyHash = rows.value(i, "key_hash").toString();
    k.role = User::roleFromName(rows.value(i, "role").toString()).value_or(Role::Viewer);
    k.createdAtMs = rows.value(i, "created_at").toLongLong();
    k.expiresAtMs = rows.value(i, "expires_at").toLongLong();
    k.lastUsedAtMs = rows.value(i, "last_used_at").toLongLong();
    k.revokedAtMs = rows.value(i, "revoked_at").toLongLong();
    return k;
}

} // namespace

Status ApiKeyRepository::insert(Db &db, const ApiKey &k)
{
    const Result<int> r = db.exec(
        Sql("INSERT INTO api_keys (id, user_id, name, key_hash, role, created_at, expires_at)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)"),
        {k.id, k.userId, k.name, k.keyHash, User::roleText(k.role), k.createdAtMs,
         k.expiresAtMs > 0 ? QVariant(k.expiresAtMs) : QVariant()});
    if (!r)
        return r.error();
    return {};
}

Result<Page<ApiKey>> ApiKeyRepository::listForUser(Db &db, const QString &userId,
                                                   const PageRequest &request)
{
    const Result<QVariant> total = db.scalar(
        Sql("SELECT count(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL"), {userId});
    if (!total)
        return total.error();
    const Result<Rows> rows =
        db.query(Sql("SELECT " CR_API_KEY_COLUMNS " FROM api_keys WHERE user_id = ?"
                     " AND revoked_at IS NULL ORDER BY created_at DESC, id LIMIT ? OFFSET ?"),
                 {userId, request.limit, request.offset()});
    if (!rows)
        return rows.error();
    return Page<ApiKey>::from(request, total.value().toLongLong(), rows.value(), keyAt);
}

Result<std::optional<ApiKey>> ApiKeyRepository::find(Db &db, const QString &id,
                                                     const QString &userId)
{
    const Result<Rows> rows =
        db.query(Sql("SELECT " CR_API_KEY_COLUMNS " FROM api_keys WHERE id = ? AND user_id = ?"
                     " AND revoked_at IS NULL"),
                 {id, userId});
    if (!rows)
        return rows.error();
    if (rows.value().isEmpty())
        return std::optional<ApiKey>();
    return std::optional<ApiKey>(keyAt(rows.value(), 0));
}

Result<qint64> ApiKeyRepository::countForUser(Db &db, const QString &userId)
{
    const Result<QVariant> n = db.scalar(
        Sql("SELECT count(*) FROM api_keys WHERE user_id = ? AND revoked_at IS NULL"), {userId});
    if (!n)
        return n.error();
    return n.value().toLongLong();
}

Result<int> ApiKeyRepository::revoke(Db &db, const QString &id, const QString &userId, qint64 nowMs)
{
    return db.exec(Sql("UPDATE api_keys SET revoked_at = ? WHERE id = ? AND user_id = ?"
                       " AND revoked_at IS NULL"),
                   {nowMs, id, userId}, Db::Retry::Idempotent);
}

Result<QList<ApiKey>> ApiKeyRepository::loadUsable(Db &db, qint64 nowMs)
{
    const Result<Rows> rows =
        db.query(Sql("SELECT " CR_API_KEY_COLUMNS " FROM api_keys WHERE revoked_at IS NULL"
                     " AND (expires_at IS NULL OR expires_at > ?)"),
                 {nowMs});
    if (!rows)
        return rows.error();
    QList<ApiKey> out;
    for (int i = 0; i < rows.value().size(); ++i)
        out.append(keyAt(rows.value(), i));
    return out;
}

Result<int> ApiKeyRepository::recordUse(Db &db, const QString &id, qint64 lastUsedMs)
{
    return db.exec(Sql("UPDATE api_keys SET last_used_at = ? WHERE id = ?"
                       " AND (last_used_at IS NULL OR last_used_at < ?)"),
                   {lastUsedMs, id, lastUsedMs}, Db::Retry::Idempotent);
}

} // namespace cr
