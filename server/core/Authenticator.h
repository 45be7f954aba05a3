#pragma once

#include "core/Principal.h"
#include "core/Result.h"

#include <QByteArray>

namespace cr {

// Turns a bearer credential (JWT or API key) into a Principal. The identity issue provides the
// implementation; until one is installed every credential is refused.
class Authenticator
{
public:
    virtual ~Authenticator() = default;
    virtual Result<Principal> authenticate(const QByteArray &credential) const = 0;
};

} // namespace cr
