#include "protect/PolicySet.h"

#include <QJsonObject>
#include <QSet>

namespace cr {

namespace {

RatePolicy make(PolicyId id, int limit, int windowSeconds, int backoffAfter = 0,
                int backoffMaxSeconds = 0)
{
    RatePolicy p;
    p.id = id;
    p.limit = limit;
    p.windowSeconds = windowSeconds;
    p.backoffAfter = backoffAfter;
    p.backoffMaxSeconds = backoffMaxSeconds;
    return p;
}

} // namespace

QStringList PolicySet::profileNames()
{
    return {QStringLiteral("default"), QStringLiteral("loadtest"), QStringLiteral("off")};
}

Result<PolicySet> PolicySet::profile(const QString &name)
{
    if (!profileNames().contains(name))
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("unknown rate-limit profile (expected one of %1)")
                               .arg(profileNames().join(QStringLiteral(", "))));
    PolicySet set;
    set.m_profile = name;
    // The defaults and their reasons: docs/RATE_LIMITING.md.
    set[PolicyId::Anonymous] = make(PolicyId::Anonymous, 20, 10);
    set[PolicyId::User] = make(PolicyId::User, 100, 10);
    set[PolicyId::Login] = make(PolicyId::Login, 5, 300, 5, 900);
    set[PolicyId::LoginIp] = make(PolicyId::LoginIp, 20, 300);
    set[PolicyId::LoginAccount] = make(PolicyId::LoginAccount, 50, 900);
    set[PolicyId::Register] = make(PolicyId::Register, 5, 3600);
    set[PolicyId::Expensive] = make(PolicyId::Expensive, 10, 60);
    set[PolicyId::Offence] = make(PolicyId::Offence, 100, 60);
    if (name == QLatin1String("loadtest")) {
        for (PolicyId id :
             {PolicyId::Anonymous, PolicyId::User, PolicyId::Expensive, PolicyId::Offence})
            set[id].enabled = false;
    } else if (name == QLatin1String("off")) {
        for (RatePolicy &p : set.m_policies)
            p.enabled = false;
    }
    return set;
}

Result<PolicySet> PolicySet::withSpecs(const QStringList &specs) const
{
    PolicySet out = *this;
    for (const QString &item : specs) {
        const qsizetype eq = item.indexOf(u'=');
        PolicyId id;
        if (eq <= 0 || !policyFromName(item.left(eq).trimmed(), &id))
            return Error::make(ErrorCode::ValidationError,
                               QStringLiteral("rate limit '%1': expected POLICY=LIMIT/WINDOW or "
                                              "POLICY=off with a known policy name")
                                   .arg(item.left(64)));
        Result<RatePolicy> p = RatePolicy::fromSpec(item.mid(eq + 1), out[id]);
        if (!p)
            return Error::make(
                ErrorCode::ValidationError,
                QStringLiteral("rate limit '%1': %2").arg(item.left(64), p.error().message));
        out[id] = p.value();
    }
    return out;
}

Result<PolicySet> PolicySet::withJson(const QJsonArray &items) const
{
    PolicySet out = *this;
    QList<FieldError> errors;
    QSet<int> seen;
    for (qsizetype i = 0; i < items.size(); ++i) {
        const QString prefix = QStringLiteral("policies[%1].").arg(i);
        if (!items.at(i).isObject()) {
            errors.append({prefix.chopped(1), QStringLiteral("must be an object")});
            continue;
        }
        const QJsonObject item = items.at(i).toObject();
        PolicyId id;
        if (!item.value(QLatin1String("name")).isString() ||
            !policyFromName(item.value(QLatin1String("name")).toString(), &id)) {
            errors.append({prefix + QStringLiteral("name"), QStringLiteral("unknown policy")});
            continue;
        }
        if (seen.contains(int(id))) {
            errors.append({prefix + QStringLiteral("name"), QStringLiteral("listed twice")});
            continue;
        }
        seen.insert(int(id));
        Result<RatePolicy> p = RatePolicy::fromJson(item, out[id], prefix);
        if (!p) {
            errors.append(p.error().fields);
            continue;
        }
        out[id] = p.value();
    }
    if (!errors.isEmpty()) {
        Error e = Error::make(ErrorCode::ValidationError,
                              QStringLiteral("Invalid rate-limit policies; nothing was changed"));
        e.fields = errors;
        return e;
    }
    return out;
}

QJsonArray PolicySet::toJson() const
{
    QJsonArray out;
    for (const RatePolicy &p : m_policies)
        out.append(p.toJson());
    return out;
}

} // namespace cr
