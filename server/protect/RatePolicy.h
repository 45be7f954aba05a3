#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

namespace cr {

// The policies of the rate limiter (docs/RATE_LIMITING.md): which requests each one counts and
// by which key.
enum class PolicyId
{
    Anonymous,    // "anon": requests without credentials, per client IP (IPv6 by /64)
    User,         // "user": authenticated requests, per user or per API key
    Login,        // "login": login attempts per (client IP, e-mail), with back-off
    LoginIp,      // "login-ip": login attempts per client IP across e-mails
    LoginAccount, // "login-account": login attempts per e-mail across IPs (delays, never locks)
    Register,     // "register": accounts created per client IP
    Expensive,    // "expensive": executions and deployments per user
    Offence,      // "offence": refusals per client IP before an automatic ban
};
constexpr int kPolicyCount = 8;

const char *policyName(PolicyId id);
bool policyFromName(const QString &name, PolicyId *id);

// One policy: `limit` requests per `windowSeconds`, enforced with GCRA (a burst of `limit`, then
// one request every windowSeconds / limit). Login-style policies add an exponential back-off:
// after `backoffAfter` consecutive failures each further failure locks the key for 1 s, 2 s,
// 4 s, ... up to `backoffMaxSeconds`.
struct RatePolicy
{
    PolicyId id = PolicyId::Anonymous;
    bool enabled = true;
    int limit = 1;
    int windowSeconds = 1;
    int backoffAfter = 0; // 0: no back-off
    int backoffMaxSeconds = 0;

    QString name() const { return QString::fromLatin1(policyName(id)); }
    qint64 windowUs() const { return qint64(windowSeconds) * 1000000; }
    qint64 intervalUs() const { return windowUs() / limit; }
    // RateLimit-Policy item: "anon";q=20;w=10
    QByteArray headerItem() const;

    QJsonObject toJson() const;
    // A copy of `base` with the members present in `json` applied; VALIDATION_ERROR (with
    // fields prefixed by `fieldPrefix`) for wrong types or values out of range.
    static Result<RatePolicy> fromJson(const QJsonObject &json, RatePolicy base,
                                       const QString &fieldPrefix);
    // "limit/windowSeconds" or "off" (settings syntax).
    static Result<RatePolicy> fromSpec(const QString &spec, RatePolicy base);

    // At most one request per microsecond of the window (the interval is whole microseconds).
    static constexpr int kMaxLimit = 100000000;
    static constexpr int kMaxWindowSeconds = 86400;
};

} // namespace cr
