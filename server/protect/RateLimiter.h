#pragma once

#include "core/Error.h"
#include "core/Result.h"
#include "protect/BanList.h"
#include "protect/CidrList.h"
#include "protect/LimitStats.h"
#include "protect/PolicySet.h"
#include "protect/RateLimitStore.h"
#include "protect/SnapshotCell.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace cr {

class Clock;
struct Settings;

// Traffic protection in one place (docs/RATE_LIMITING.md): the policy table, the store, the
// allow-list, bans and the counters. Thread-safe; the per-request path takes no global lock.
class RateLimiter
{
public:
    // From the settings: profile, overrides, trusted proxies, allow/deny lists, memory cap.
    // VALIDATION_ERROR naming the bad setting.
    static Result<std::unique_ptr<RateLimiter>> create(const Settings &settings, const Clock &clock,
                                                       std::unique_ptr<RateLimitStore> store = {});

    // The client as requests are counted (trusted proxies and X-Forwarded-For).
    QHostAddress clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor) const;
    // Allow-listed addresses skip the request policies (anon, user, register, expensive);
    // login protection applies to everyone.
    bool isExempt(const QHostAddress &client) const;
    // FORBIDDEN (with Retry-After for a ban that ends) when the address is banned or denied.
    std::optional<Error> banned(const QHostAddress &client) const;

    // Takes one unit of `policy` for `key`. A refusal is counted, and a client refused too often
    // (the "offence" policy) is banned for autoBanSeconds. A disabled policy always allows
    // (limited = false).
    RateDecision check(PolicyId policy, const LimitKey &key, const QHostAddress &client);
    RateDecision force(PolicyId policy, const LimitKey &key);
    void refund(PolicyId policy, const LimitKey &key);
    int fail(PolicyId policy, const LimitKey &key);
    void succeed(PolicyId policy, const LimitKey &key);

    // RATE_LIMITED with the policy name and Retry-After.
    static Error refusal(const RateDecision &decision);
    // RateLimit-Policy and RateLimit for a decision (nothing for an unlimited one).
    void addHeaders(const RateDecision &decision,
                    QList<QPair<QByteArray, QByteArray>> &headers) const;

    // Told of every request over a policy (a 429; for "login-account" a delay), from that
    // request's thread: set once, before the limiter is used (the metrics' rate-limit counter).
    using HitObserver = std::function<void(PolicyId)>;
    void setHitObserver(HitObserver observer) { m_hitObserver = std::move(observer); }

    std::shared_ptr<const PolicySet> policies() const { return m_policies.load(); }
    int loginDelayMaxMs() const { return m_loginDelayMaxMs; }
    LimitStats &stats() { return m_stats; }
    const LimitStats &stats() const { return m_stats; }
    RateLimitStore &store() { return *m_store; }
    BanList &bans() { return m_bans; }

    // GET /api/admin/rate-limits: profile, policies, allow-list, bans, counters, memory.
    QJsonObject toJson();
    // PUT /api/admin/rate-limits: {policies?: [...], allowList?: [...], bans?: {add: [{address,
    // untilMs? | durationSeconds?, reason?}], remove: [address]}, reset?: true}. All or nothing.
    Status update(const QJsonObject &body);

private:
    RateLimiter(const Clock &clock, std::unique_ptr<RateLimitStore> store);
    qint64 nowUs() const;
    void refused(PolicyId policy, const LimitKey &key);

    const Clock &m_clock;
    std::unique_ptr<RateLimitStore> m_store;
    SnapshotCell<PolicySet> m_policies;
    SnapshotCell<CidrList> m_allow;
    CidrList m_trustedProxies;
    BanList m_bans;
    LimitStats m_stats;
    HitObserver m_hitObserver;
    int m_autoBanSeconds = 600;
    int m_loginDelayMaxMs = 5000;
};

} // namespace cr
