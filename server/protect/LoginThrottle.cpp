#include "protect/LoginThrottle.h"

#include "protect/RateLimiter.h"

#include <algorithm>

namespace cr {

LoginThrottle::Ticket LoginThrottle::begin(const QHostAddress &client, const QString &email) const
{
    Ticket t;
    t.address = LimitKey::address(client);
    t.pair = LimitKey::addressEmail(client, email);
    t.account = LimitKey::email(email);

    const RateDecision perIp = m_limiter.check(PolicyId::LoginIp, t.address, client);
    if (!perIp.allowed) {
        t.refusal = RateLimiter::refusal(perIp);
        t.shown = perIp;
        return t;
    }
    const RateDecision perPair = m_limiter.check(PolicyId::Login, t.pair, client);
    if (!perPair.allowed) {
        m_limiter.refund(PolicyId::LoginIp, t.address);
        t.refusal = RateLimiter::refusal(perPair);
        t.shown = perPair;
        return t;
    }
    const RateDecision perAccount = m_limiter.force(PolicyId::LoginAccount, t.account);
    if (!perAccount.allowed)
        t.delayMs =
            int(std::min<qint64>(perAccount.retryAfterUs / 1000, m_limiter.loginDelayMaxMs()));
    // The headers show whichever of the refusing policies is closest to its limit.
    t.shown = !perPair.limited || (perIp.limited && perIp.remaining < perPair.remaining) ? perIp
                                                                                         : perPair;
    return t;
}

void LoginThrottle::finish(const Ticket &ticket, Outcome outcome) const
{
    switch (outcome) {
    case Outcome::Succeeded:
        m_limiter.refund(PolicyId::LoginIp, ticket.address);
        m_limiter.refund(PolicyId::Login, ticket.pair);
        m_limiter.succeed(PolicyId::Login, ticket.pair);
        m_limiter.refund(PolicyId::LoginAccount, ticket.account);
        break;
    case Outcome::WrongCredentials:
        m_limiter.fail(PolicyId::Login, ticket.pair);
        break;
    case Outcome::NotAttempted:
        m_limiter.refund(PolicyId::LoginIp, ticket.address);
        m_limiter.refund(PolicyId::Login, ticket.pair);
        m_limiter.refund(PolicyId::LoginAccount, ticket.account);
        break;
    }
}

} // namespace cr
