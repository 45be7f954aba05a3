#pragma once

#include "core/Result.h"
#include "identity/Page.h"
#include "identity/Session.h"

#include <QList>
#include <QPair>
#include <QStringList>

#include <optional>

namespace cr {

class Db;

// Table sessions: one row per refresh token, grouped in families (one family per login).
// Rows a user owns are always addressed with their owner (WHERE ... AND user_id = ?).
class SessionRepository
{
public:
    static Status insert(Db &db, const Session &session, const QString &refreshHash);
    static Result<std::optional<Session>> findByRefreshHash(Db &db, const QString &refreshHash);

    // The rotation itself, one atomic conditional update: 1 when this caller won, 0 when the
    // token was already rotated or revoked (a racing refresh that lost).
    static Result<int> markRotated(Db &db, const QString &refreshHash, qint64 nowMs);

    // Revokes one family of a user: the number of rows changed (0: not the user's, or gone).
    static Result<int> revokeFamily(Db &db, const QString &familyId, const QString &userId,
                                    qint64 nowMs);
    // The families of a user that are not yet revoked, except `exceptFamilyId` (may be empty).
    static Result<QStringList> liveFamilies(Db &db, const QString &userId,
                                            const QString &exceptFamilyId);
    // Revokes every family of a user except `exceptFamilyId` (may be empty): rows changed.
    static Result<int> revokeAllFamilies(Db &db, const QString &userId,
                                         const QString &exceptFamilyId, qint64 nowMs);

    // A user's live sessions (one current row per family), most recently used first.
    static Result<Page<Session>> listLive(Db &db, const QString &userId, qint64 nowMs,
                                          const PageRequest &request);

    // (family id, revoked at) of families revoked at or after `sinceMs`: start-up state.
    static Result<QList<QPair<QString, qint64>>> revokedSince(Db &db, qint64 sinceMs);
    // Deletes rows of families that expired before `beforeMs`.
    static Result<int> purgeExpired(Db &db, qint64 beforeMs);
};

} // namespace cr
