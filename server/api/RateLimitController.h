#pragma once

namespace cr {

class Identity;
class RateLimiter;
class Router;

// GET /api/admin/rate-limits (operator): the profile, policies, allow-list, bans, hit counters
// and memory of the limiter. PUT (admin): changes policies, the allow-list and bans at run
// time, all or nothing, and audits the change (docs/RATE_LIMITING.md).
class RateLimitController
{
public:
    RateLimitController(RateLimiter &limiter, Identity *identity)
        : m_limiter(limiter)
        , m_identity(identity)
    {}
    void registerRoutes(Router &router) const;

private:
    RateLimiter &m_limiter;
    Identity *m_identity; // for the audit log; may be null in tests
};

} // namespace cr
