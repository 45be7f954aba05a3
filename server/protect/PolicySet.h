#pragma once

#include "core/Result.h"
#include "protect/RatePolicy.h"

#include <QJsonArray>
#include <QStringList>

#include <array>

namespace cr {

// Every policy of the limiter, as one value: a named profile plus overrides from the settings
// or the admin API. Swapped as a whole (SnapshotCell), so a request sees one consistent table.
class PolicySet
{
public:
    // "default" (protective), "loadtest" (anon/user/expensive/offence off, login protection
    // kept) or "off" (nothing limited: tests and trusted set-ups). Unknown → VALIDATION_ERROR.
    static Result<PolicySet> profile(const QString &name);
    static QStringList profileNames();

    const RatePolicy &operator[](PolicyId id) const { return m_policies[size_t(id)]; }
    RatePolicy &operator[](PolicyId id) { return m_policies[size_t(id)]; }
    const QString &profileName() const { return m_profile; }

    // Settings overrides: "anon=20/10", "user=off", ...
    Result<PolicySet> withSpecs(const QStringList &specs) const;
    // Admin API: [{name, enabled?, limit?, windowSeconds?, backoffAfter?, backoffMaxSeconds?}].
    // All or nothing: one bad item and nothing changes.
    Result<PolicySet> withJson(const QJsonArray &items) const;

    QJsonArray toJson() const;
    // The RateLimit-Policy header value for one policy.
    QByteArray policyHeader(PolicyId id) const { return (*this)[id].headerItem(); }

private:
    QString m_profile;
    std::array<RatePolicy, kPolicyCount> m_policies;
};

} // namespace cr
