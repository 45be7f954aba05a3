#pragma once

// A fake Authenticator for tests: fixed credentials map to fixed principals.

#include "core/Authenticator.h"
#include "core/Clock.h"

// "op" → operator u-op, "dev" → developer u-dev, "dev2" → developer u-dev2, "viewer" → viewer,
// "op-demoted" → developer u-op (the operator's account after a role change), "short" → developer
// whose token expires 60 s after it is presented (by the given clock), "expired" → TOKEN_EXPIRED,
// anything else → UNAUTHORIZED.
class FakeAuthenticator final : public cr::Authenticator
{
public:
    explicit FakeAuthenticator(const cr::Clock *clock = nullptr)
        : m_clock(clock)
    {}
    cr::Result<cr::Principal> authenticate(const QByteArray &credential) const override;

private:
    const cr::Clock *m_clock;
};
