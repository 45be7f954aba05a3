#pragma once

#include "core/Principal.h"

#include <QString>

namespace cr {

// Who asks a service to do something, and from where: the authenticated principal (if any)
// plus what the audit log records about the request.
struct Caller
{
    Principal principal;
    QString ip;     // the peer address
    QString device; // the User-Agent, shortened

    const QString &userId() const { return principal.userId; }
    const QString &sessionId() const { return principal.sessionId; }
};

} // namespace cr
