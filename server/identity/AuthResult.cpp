#include "identity/AuthResult.h"

#include "identity/JsonTime.h"

namespace cr {

QJsonObject AuthResult::toJson() const
{
    return QJsonObject{{QStringLiteral("user"), user.toJson()},
                       {QStringLiteral("token"), QString::fromLatin1(token)},
                       {QStringLiteral("refreshToken"), QString::fromLatin1(refreshToken)},
                       {QStringLiteral("expiresAt"), JsonTime::iso(expiresAtMs)}};
}

} // namespace cr
