#pragma once

#include "core/Error.h"
#include "protect/LimitKey.h"
#include "protect/RateDecision.h"

#include <optional>

namespace cr {

class RateLimiter;

// The login protection of docs/RATE_LIMITING.md, in the order it is applied:
//  1. "login-ip": attempts per client address across e-mails;
//  2. "login": attempts per (address, e-mail), with exponential back-off after repeated
//     failures;
//  3. "login-account": attempts per e-mail across addresses; over it an attempt is delayed
//     (up to loginDelayMaxMs), never refused, so strangers cannot lock a victim out.
// Attempts are charged before the password is hashed (parallel guesses cannot slip past while
// the first hashes run) and refunded when the login succeeds.
class LoginThrottle
{
public:
    enum class Outcome
    {
        Succeeded,
        WrongCredentials,
        NotAttempted, // the server could not try (overloaded, database down): refunded
    };

    struct Ticket
    {
        std::optional<Error> refusal; // RATE_LIMITED: answer this instead of trying
        RateDecision shown;           // for the RateLimit headers
        int delayMs = 0;              // wait this long before trying
        LimitKey address;
        LimitKey pair;
        LimitKey account;
    };

    explicit LoginThrottle(RateLimiter &limiter)
        : m_limiter(limiter)
    {}
    Ticket begin(const QHostAddress &client, const QString &email) const;
    void finish(const Ticket &ticket, Outcome outcome) const;

private:
    RateLimiter &m_limiter;
};

} // namespace cr
