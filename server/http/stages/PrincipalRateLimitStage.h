#pragma once

#include "http/Stage.h"

namespace cr {

class RateLimiter;

// After authentication (docs/RATE_LIMITING.md): an authenticated request counts against the
// "user" policy of its user (or API key) and, on an expensive route, "expensive"; a request
// whose credentials failed counts against its address's "anon" allowance, so guessing tokens
// is limited like any anonymous traffic.
class PrincipalRateLimitStage final : public Stage
{
public:
    explicit PrincipalRateLimitStage(RateLimiter *limiter)
        : m_limiter(limiter)
    {}
    const char *name() const override { return "principal-rate-limit"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

    // Counts the request against its address's "anon" allowance (once): 429 when spent.
    static std::optional<HttpResponse> chargeAnonymous(RateLimiter *limiter, RequestContext &ctx);

private:
    RateLimiter *m_limiter;
};

} // namespace cr
