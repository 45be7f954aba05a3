#pragma once

#include "protect/RatePolicy.h"

namespace cr {

// The answer of one check against one policy.
struct RateDecision
{
    bool allowed = true;
    bool limited = false; // false: the policy is off or the client is exempt
    PolicyId policy = PolicyId::Anonymous;
    int remaining = 0;         // requests left right now
    int resetSeconds = 0;      // until the quota is whole again
    int retryAfterSeconds = 0; // when refused: until the next request would be allowed
    qint64 retryAfterUs = 0;   // the same, exactly

    // RateLimit item: "anon";r=12;t=5
    QByteArray headerItem() const;
};

} // namespace cr
