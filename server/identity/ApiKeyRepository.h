#pragma once

#include "core/Result.h"
#include "identity/ApiKey.h"
#include "identity/Page.h"

#include <QList>

#include <optional>

namespace cr {

class Db;

// Table api_keys. A key is always addressed together with its owner (WHERE id = ? AND
// user_id = ?): another user's key id is simply not found.
class ApiKeyRepository
{
public:
    static Status insert(Db &db, const ApiKey &key);
    // The owner's keys that are not revoked (expired ones included, marked by expiresAt).
    static Result<Page<ApiKey>> listForUser(Db &db, const QString &userId,
                                            const PageRequest &request);
    static Result<std::optional<ApiKey>> find(Db &db, const QString &id, const QString &userId);
    static Result<qint64> countForUser(Db &db, const QString &userId);
    // Rows changed: 0 when the key is not the user's, not there, or already revoked.
    static Result<int> revoke(Db &db, const QString &id, const QString &userId, qint64 nowMs);
    // Keys that may still authenticate (not revoked, not expired): start-up state.
    static Result<QList<ApiKey>> loadUsable(Db &db, qint64 nowMs);
    static Result<int> recordUse(Db &db, const QString &id, qint64 lastUsedMs);
};

} // namespace cr
