#pragma once

#include "core/Authenticator.h"
#include "http/Stage.h"

namespace cr {

// Reads "Authorization: Bearer <credential>" and asks the Authenticator who it is. No header:
// anonymous. A malformed header or a credential that does not verify: 401.
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
