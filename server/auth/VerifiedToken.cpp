#include "auth/VerifiedToken.h"

namespace cr {

Principal VerifiedToken::principal() const
{
    Principal p;
    p.role = role;
    p.userId = sub;
    p.sessionId = sid;
    p.viaApiKey = false;
    p.expiresAtMs = exp * 1000;
    return p;
}

std::optional<Role> VerifiedToken::roleFromClaim(const QString &claim)
{
    for (Role r : {Role::Viewer, Role::Developer, Role::Operator, Role::Admin}) {
        if (claim == QLatin1String(roleName(r)))
            return r;
    }
    return std::nullopt;
}

} // namespace cr
