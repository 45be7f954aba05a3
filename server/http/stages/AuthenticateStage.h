#pragma once

#include "core/Authenticator.h"
#include "http/Stage.h"

namespace cr {

// Reads "Authorization: Bearer <credential>" and asks the Authenticator who it is. No header:
// anonymous. A malformed header or a credential that does not verify: ctx.authError, which the
// authorize stage answers with 401 (after the per-principal rate limit has counted it).
class AuthenticateStage final : public Stage
{
public:
    explicit AuthenticateStage(const Authenticator *authenticator)
        : m_authenticator(authenticator)
    {}
    const char *name() const override { return "authenticate"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

private:
    const Authenticator *m_authenticator;
};

} // namespace cr
