#pragma once

#include "core/Principal.h"

#include <QString>
#include <QtGlobal>

#include <optional>

namespace cr {

// The claims of an access token whose signature, header and claims JwtCodec has checked.
// Times are NumericDate seconds (Unix epoch, UTC).
struct VerifiedToken
{
    QString sub; // user id
    Role role = Role::Anonymous;
    QString sid; // session id
    QString jti; // token id
    qint64 iat = 0;
    qint64 nbf = 0;
    qint64 exp = 0;
    QString kid; // the key that signed it

    // The caller as the HTTP stages see it. Revocation (session, disabled user, role changed
    // after iat) is NOT part of verification: the authenticator checks it on every request.
    Principal principal() const;

    // viewer | developer | operator | admin (nothing else, not even "anonymous").
    static std::optional<Role> roleFromClaim(const QString &claim);
};

} // namespace cr
