#pragma once

#include "core/Result.h"
#include "identity/Page.h"
#include "identity/User.h"

#include <QList>

#include <optional>

namespace cr {

class Db;

// Table users. Every value is bound; e-mail addresses must already be normalized (lower-case).
// Runs inside a storage-pool job (or at start-up), on the job's Db.
class UserRepository
{
public:
    static Status insert(Db &db, const User &user); // Conflict when the e-mail is taken
    static Result<std::optional<User>> findById(Db &db, const QString &id);
    static Result<std::optional<User>> findByEmail(Db &db, const QString &email);
    // search: a case-insensitive substring of the name or the e-mail.
    static Result<Page<User>> list(Db &db, const PageRequest &request);

    // Each returns the number of rows changed (0: no such user).
    static Result<int> updateProfile(Db &db, const QString &id, const QString &name,
                                     const QString &email, qint64 nowMs);
    static Result<int> updatePassword(Db &db, const QString &id, const QByteArray &hash,
                                      qint64 nowMs);
    static Result<int> recordLogin(Db &db, const QString &id, qint64 nowMs);
    static Result<int> setRole(Db &db, const QString &id, Role role, qint64 nowMs);
    static Result<int> setDisabled(Db &db, const QString &id, bool disabled, qint64 nowMs);

    static Result<QList<User>> all(Db &db); // every account, for the in-memory state at start
    static Result<bool> anyAdmin(Db &db);
};

} // namespace cr
