#include "http/stages/IpRateLimitStage.h"

#include "protect/RateLimiter.h"

namespace cr {

std::optional<HttpResponse> IpRateLimitStage::run(RequestContext &ctx) const
{
    const HttpRequest &r = *ctx.request;
    if (!m_limiter) {
        ctx.clientAddress = r.peer;
        return std::nullopt;
    }
    ctx.clientAddress = m_limiter->clientAddress(r.peer, r.header("x-forwarded-for"));
    if (std::optional<Error> ban = m_limiter->banned(ctx.clientAddress))
        return ctx.errorResponse(*ban);
    ctx.rateExempt = m_limiter->isExempt(ctx.clientAddress);
    if (ctx.rateExempt || !r.header("authorization").isEmpty())
        return std::nullopt; // credentials are counted per principal, after authentication
    ctx.anonymousCharged = true;
    const RateDecision d = m_limiter->check(
        PolicyId::Anonymous, LimitKey::address(ctx.clientAddress), ctx.clientAddress);
    m_limiter->addHeaders(d, ctx.responseHeaders);
    if (!d.allowed)
        return ctx.errorResponse(RateLimiter::refusal(d));
    return std::nullopt;
}

} // namespace cr
