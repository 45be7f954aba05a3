#include "identity/ApiKey.h"

#include "identity/JsonTime.h"
#include "identity/User.h"

namespace cr {

QJsonObject ApiKey::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("role"), User::roleText(role)},
                       {QStringLiteral("createdAt"), JsonTime::isoOrNull(createdAtMs)},
                       {QStringLiteral("expiresAt"), JsonTime::isoOrNull(expiresAtMs)},
                       {QStringLiteral("lastUsedAt"), JsonTime::isoOrNull(lastUsedAtMs)}};
}

} // namespace cr
