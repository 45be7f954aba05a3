#pragma once

#include "identity/User.h"

#include <QByteArray>
#include <QJsonObject>

namespace cr {

// What register, login and refresh answer: the account and a fresh token pair.
struct AuthResult
{
    User user;
    QByteArray token;        // the access token (JWT)
    QByteArray refreshToken; // opaque, shown once
    qint64 expiresAtMs = 0;  // of the access token
    QString sessionId;       // the session (family) id, the token's sid

    // CONTRACT §3's answer: {user, token, refreshToken, expiresAt}.
    QJsonObject toJson() const;
};

} // namespace cr
