#include "http/stages/PrincipalRateLimitStage.h"

#include "protect/RateLimiter.h"

namespace cr {

std::optional<HttpResponse> PrincipalRateLimitStage::chargeAnonymous(RateLimiter *limiter,
                                                                     RequestContext &ctx)
{
    if (!limiter || ctx.rateExempt || ctx.anonymousCharged)
        return std::nullopt;
    ctx.anonymousCharged = true;
    const RateDecision d = limiter->check(PolicyId::Anonymous, LimitKey::address(ctx.clientAddress),
                                          ctx.clientAddress);
    limiter->addHeaders(d, ctx.responseHeaders);
    if (!d.allowed)
        return ctx.errorResponse(RateLimiter::refusal(d));
    return std::nullopt;
}

std::optional<HttpResponse> PrincipalRateLimitStage::run(RequestContext &ctx) const
{
    if (!m_limiter || ctx.rateExempt)
        return std::nullopt;
    const Principal &p = ctx.principal;
    if (!p.isAuthenticated()) // credentials that did not verify, or a WebSocket upgrade
        return chargeAnonymous(m_limiter, ctx);
    const LimitKey key = p.viaApiKey ? LimitKey::apiKey(p.apiKeyId) : LimitKey::user(p.userId);
    const RateDecision d = m_limiter->check(PolicyId::User, key, ctx.clientAddress);
    if (!d.allowed) {
        m_limiter->addHeaders(d, ctx.responseHeaders);
        return ctx.errorResponse(RateLimiter::refusal(d));
    }
    if (ctx.route->expensive) {
        const RateDecision e =
            m_limiter->check(PolicyId::Expensive, LimitKey::user(p.userId), ctx.clientAddress);
        m_limiter->addHeaders(e.limited ? e : d, ctx.responseHeaders);
        if (!e.allowed) {
            m_limiter->refund(PolicyId::User, key);
            return ctx.errorResponse(RateLimiter::refusal(e));
        }
        return std::nullopt;
    }
    m_limiter->addHeaders(d, ctx.responseHeaders);
    return std::nullopt;
}

} // namespace cr
