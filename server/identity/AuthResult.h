#pragma once

#include "identity/User.h"

#include <QByteArray>

namespace cr {

// What register, login and refresh answer: the account and a fresh token pair.
struct AuthResult
{
    User user;
    QByteArray token;        // the access token (JWT)
    QByteArray refreshToken; // opaque, shown once
    qint64 expiresAtMs = 0;  // of the access token
    QString sessionId;       // the session (family) id, the token's sid
};

} // namespace cr
