#include "identity/Session.h"

#include "identity/JsonTime.h"

namespace cr {

QJsonObject Session::toJson(const QString &currentFamilyId) const
{
    return QJsonObject{{QStringLiteral("id"), familyId},
                       {QStringLiteral("device"), device},
                       {QStringLiteral("ip"), ip},
                       {QStringLiteral("createdAt"), JsonTime::isoOrNull(createdAtMs)},
                       {QStringLiteral("lastSeenAt"), JsonTime::isoOrNull(lastSeenAtMs)},
                       {QStringLiteral("expiresAt"), JsonTime::isoOrNull(expiresAtMs)},
                       {QStringLiteral("current"), familyId == currentFamilyId}};
}

} // namespace cr
