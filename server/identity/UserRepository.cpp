#include "identity/UserRepository.h"

#include "identity/LikePattern.h"
#include "store/Db.h"

// The column list every read uses (a literal, so it can be part of a Sql literal).
#define CR_USER_COLUMNS                                                                            \
    "id, email, name, password_hash, role, disabled, created_at, updated_at, last_login_at,"       \
    " role_changed_at"

namespace cr {
namespace {

User userAt(const Rows &rows, int i)
{
    User u;
    u.id = rows.value(i, "id").toString();
    u.email = rows.value(i, "email").toString();
    u.name = rows.value(i, "name").toString();
    u.passwordHash = rows.value(i, "password_hash").toString().toUtf8();
    u.role = User::roleFromName(rows.value(i, "role").toString()).value_or(Role::Viewer);
    u.disabled = rows.value(i, "disabled").toLongLong() != 0;
    u.createdAtMs = rows.value(i, "created_at").toLongLong();
    u.updatedAtMs = rows.value(i, "updated_at").toLongLong();
    u.lastLoginAtMs = rows.value(i, "last_login_at").toLongLong();
    u.roleChangedAtMs = rows.value(i, "role_changed_at").toLongLong();
    return u;
}

Result<std::optional<User>> one(Result<Rows> rows)
{
    if (!rows)
        return rows.error();
    if (rows.value().isEmpty())
        return std::optional<User>();
    return std::optional<User>(userAt(rows.value(), 0));
}

} // namespace

Status UserRepository::insert(Db &db, const User &u)
{
    const Result<int> r = db.exec(
        Sql("INSERT INTO users (id, email, name, password_hash, role, disabled, created_at,"
            " updated_at, last_login_at, role_changed_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?)"),
        {u.id, u.email, u.name, QString::fromUtf8(u.passwordHash), User::roleText(u.role),
         u.disabled ? 1 : 0, u.createdAtMs, u.updatedAtMs,
         u.lastLoginAtMs > 0 ? QVariant(u.lastLoginAtMs) : QVariant(),
         u.roleChangedAtMs > 0 ? QVariant(u.roleChangedAtMs) : QVariant()});
    if (!r)
        return r.error();
    return {};
}

Result<std::optional<User>> UserRepository::findById(Db &db, const QString &id)
{
    return one(db.query(Sql("SELECT " CR_USER_COLUMNS " FROM users WHERE id = ?"), {id}));
}

Result<std::optional<User>> UserRepository::findByEmail(Db &db, const QString &email)
{
    return one(db.query(Sql("SELECT " CR_USER_COLUMNS " FROM users WHERE email = ?"), {email}));
}

Result<Page<User>> UserRepository::list(Db &db, const PageRequest &request)
{
    const QString pattern = LikePattern::contains(request.search.toLower());
    const QVariantList where{request.search, pattern, pattern};
    const Result<QVariant> total =
        db.scalar(Sql("SELECT count(*) FROM users WHERE (? = '' OR lower(name) LIKE ? ESCAPE '\\'"
                      " OR email LIKE ? ESCAPE '\\')"),
                  where);
    if (!total)
        return total.error();
    const Result<Rows> rows = db.query(
        Sql("SELECT " CR_USER_COLUMNS " FROM users WHERE (? = '' OR lower(name) LIKE ? ESCAPE"
            " '\\' OR email LIKE ? ESCAPE '\\') ORDER BY created_at, id LIMIT ? OFFSET ?"),
        where + QVariantList{request.limit, request.offset()});
    if (!rows)
        return rows.error();
    return Page<User>::from(request, total.value().toLongLong(), rows.value(), userAt);
}

Result<int> UserRepository::updateProfile(Db &db, const QString &id, const QString &name,
                                          const QString &email, qint64 nowMs)
{
    return db.exec(Sql("UPDATE users SET name = ?, email = ?, updated_at = ? WHERE id = ?"),
                   {name, email, nowMs, id});
}

Result<int> UserRepository::updatePassword(Db &db, const QString &id, const QByteArray &hash,
                                           qint64 nowMs)
{
    return db.exec(Sql("UPDATE users SET password_hash = ?, updated_at = ? WHERE id = ?"),
                   {QString::fromUtf8(hash), nowMs, id});
}

Result<int> UserRepository::recordLogin(Db &db, const QString &id, qint64 nowMs)
{
    return db.exec(Sql("UPDATE users SET last_login_at = ? WHERE id = ?"), {nowMs, id});
}

Result<int> UserRepository::setRole(Db &db, const QString &id, Role role, qint64 nowMs)
{
    return db.exec(
        Sql("UPDATE users SET role = ?, role_changed_at = ?, updated_at = ? WHERE id = ?"),
        {User::roleText(role), nowMs, nowMs, id});
}

Result<int> UserRepository::setDisabled(Db &db, const QString &id, bool disabled, qint64 nowMs)
{
    return db.exec(Sql("UPDATE users SET disabled = ?, updated_at = ? WHERE id = ?"),
                   {disabled ? 1 : 0, nowMs, id});
}

Result<QList<User>> UserRepository::all(Db &db)
{
    const Result<Rows> rows = db.query(Sql("SELECT " CR_USER_COLUMNS " FROM users"));
    if (!rows)
        return rows.error();
    QList<User> out;
    out.reserve(rows.value().size());
    for (int i = 0; i < rows.value().size(); ++i)
        out.append(userAt(rows.value(), i));
    return out;
}

Result<bool> UserRepository::anyAdmin(Db &db)
{
    const Result<QVariant> n = db.scalar(Sql("SELECT count(*) FROM users WHERE role = 'admin'"));
    if (!n)
        return n.error();
    return n.value().toLongLong() > 0;
}

} // namespace cr
