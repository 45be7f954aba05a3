#pragma once

#include "http/Stage.h"

namespace cr {

class RateLimiter;

// Before routing (docs/RATE_LIMITING.md): works out the client address (trusted proxies),
// refuses banned and denied addresses (403) and counts requests that carry no credentials
// against the per-IP "anon" policy (429), so floods of unknown paths are limited too.
// Without a limiter it only sets the client address.
class IpRateLimitStage final : public Stage
{
public:
    explicit IpRateLimitStage(RateLimiter *limiter)
        : m_limiter(limiter)
    {}
    const char *name() const override { return "ip-rate-limit"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

private:
    RateLimiter *m_limiter;
};

} // namespace cr
