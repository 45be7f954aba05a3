#pragma once

#include "protect/LimitKey.h"
#include "protect/RateDecision.h"
#include "protect/RatePolicy.h"

namespace cr {

// Where the limiter keeps its per-key state. The in-process store (GcraStore) is the default;
// a shared store for several instances (Redis) implements the same operations, each of which
// is one atomic read-modify-write of one key. Times are monotonic microseconds.
class RateLimitStore
{
public:
    virtual ~RateLimitStore() = default;

    // Takes `cost` units from the key's allowance, or refuses (taking nothing).
    virtual RateDecision consume(const RatePolicy &policy, const LimitKey &key, qint64 nowUs,
                                 int cost = 1) = 0;
    // Takes `cost` units even when the allowance is spent; reports how long the caller would
    // have had to wait (retryAfterUs) instead of refusing.
    virtual RateDecision force(const RatePolicy &policy, const LimitKey &key, qint64 nowUs,
                               int cost = 1) = 0;
    // Gives back units taken by consume (a login that succeeded, a registration refused).
    virtual void refund(const RatePolicy &policy, const LimitKey &key, qint64 nowUs,
                        int cost = 1) = 0;
    // The state without changing it.
    virtual RateDecision peek(const RatePolicy &policy, const LimitKey &key, qint64 nowUs) = 0;
    // One more consecutive failure: applies the policy's back-off and returns the streak.
    virtual int fail(const RatePolicy &policy, const LimitKey &key, qint64 nowUs) = 0;
    // A success ends the streak.
    virtual void succeed(const RatePolicy &policy, const LimitKey &key, qint64 nowUs) = 0;
    // Forgets every key of every policy (tests; an operator's "reset").
    virtual void clear() = 0;

    struct Usage
    {
        qint64 entries = 0;
        qint64 bytes = 0;    // accounted memory of the entries
        qint64 capBytes = 0; // the bound it is kept under
        qint64 evicted = 0;  // live entries dropped to stay under the bound
    };
    virtual Usage usage() const = 0;
};

} // namespace cr
