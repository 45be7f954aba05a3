#include "protect/RateLimiter.h"

#include "core/Clock.h"
#include "core/Settings.h"
#include "protect/GcraStore.h"

#include <QDateTime>
#include <QJsonArray>

namespace cr {

RateLimiter::RateLimiter(const Clock &clock, std::unique_ptr<RateLimitStore> store)
    : m_clock(clock)
    , m_store(std::move(store))
{}

Result<std::unique_ptr<RateLimiter>> RateLimiter::create(const Settings &settings,
                                                         const Clock &clock,
                                                         std::unique_ptr<RateLimitStore> store)
{
    auto named = [](const char *setting, const Error &e) {
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("%1: %2").arg(QLatin1String(setting), e.message));
    };
    Result<PolicySet> profile = PolicySet::profile(settings.rateLimitProfile);
    if (!profile)
        return named("rateLimitProfile", profile.error());
    Result<PolicySet> policies = profile.value().withSpecs(settings.rateLimits);
    if (!policies)
        return named("rateLimits", policies.error());
    Result<CidrList> proxies = CidrList::parse(settings.trustedProxies);
    if (!proxies)
        return named("trustedProxies", proxies.error());
    Result<CidrList> allow = CidrList::parse(settings.rateLimitAllow);
    if (!allow)
        return named("rateLimitAllow", allow.error());
    if (!store)
        store = std::make_unique<GcraStore>(settings.rateLimitMemoryBytes);
    std::unique_ptr<RateLimiter> limiter(new RateLimiter(clock, std::move(store)));
    for (const QString &deny : settings.rateLimitDeny) {
        if (deny.trimmed().isEmpty())
            continue;
        if (Status st = limiter->m_bans.add(deny, 0, QStringLiteral("deny-list"), false); !st)
            return named("rateLimitDeny", st.error());
    }
    limiter->m_policies.store(policies.value());
    limiter->m_allow.store(allow.value());
    limiter->m_trustedProxies = proxies.value();
    limiter->m_autoBanSeconds = settings.autoBanSeconds;
    limiter->m_loginDelayMaxMs = settings.loginDelayMaxMs;
    return limiter;
}

qint64 RateLimiter::nowUs() const
{
    return m_clock.monotonicMs() * 1000;
}

QHostAddress RateLimiter::clientAddress(const QHostAddress &peer,
                                        const QByteArray &forwardedFor) const
{
    return cr::clientAddress(peer, forwardedFor, m_trustedProxies);
}

bool RateLimiter::isExempt(const QHostAddress &client) const
{
    return m_allow.read().contains(client);
}

std::optional<Error> RateLimiter::banned(const QHostAddress &client) const
{
    const qint64 now = m_clock.wallMs();
    const std::optional<BanList::Ban> ban = m_bans.find(client, now);
    if (!ban)
        return std::nullopt;
    Error e =
        Error::make(ErrorCode::Forbidden, QStringLiteral("Access from this address is blocked"));
    if (ban->untilMs > 0)
        e = e.retryAfter(int((ban->untilMs - now + 999) / 1000));
    return e;
}

RateDecision RateLimiter::check(PolicyId policy, const LimitKey &key, const QHostAddress &client)
{
    const PolicySet &set = m_policies.read();
    const RatePolicy &p = set[policy];
    if (!p.enabled) {
        RateDecision open;
        open.policy = policy;
        return open;
    }
    const qint64 now = nowUs();
    RateDecision d = m_store->consume(p, key, now, 1);
    if (d.allowed)
        return d;
    refused(policy, key);
    const RatePolicy &offence = set[PolicyId::Offence];
    if (offence.enabled && m_autoBanSeconds > 0 && !client.isNull()) {
        const RateDecision o = m_store->consume(offence, LimitKey::address(client), now, 1);
        if (!o.allowed) {
            m_stats.recordHit(PolicyId::Offence, LimitKey::address(client));
            m_bans.banAutomatically(client, m_clock.wallMs() + qint64(m_autoBanSeconds) * 1000,
                                    QStringLiteral("over the %1 policy repeatedly")
                                        .arg(QLatin1String(policyName(policy))));
        }
    }
    return d;
}

RateDecision RateLimiter::force(PolicyId policy, const LimitKey &key)
{
    const std::shared_ptr<const PolicySet> set = m_policies.load();
    const RatePolicy &p = (*set)[policy];
    if (!p.enabled) {
        RateDecision open;
        open.policy = policy;
        return open;
    }
    RateDecision d = m_store->force(p, key, nowUs(), 1);
    if (!d.allowed)
        refused(policy, key);
    return d;
}

void RateLimiter::refused(PolicyId policy, const LimitKey &key)
{
    m_stats.recordHit(policy, key);
    if (m_hitObserver)
        m_hitObserver(policy);
}

void RateLimiter::refund(PolicyId policy, const LimitKey &key)
{
    const std::shared_ptr<const PolicySet> set = m_policies.load();
    if ((*set)[policy].enabled)
        m_store->refund((*set)[policy], key, nowUs(), 1);
}

int RateLimiter::fail(PolicyId policy, const LimitKey &key)
{
    const std::shared_ptr<const PolicySet> set = m_policies.load();
    return (*set)[policy].enabled ? m_store->fail((*set)[policy], key, nowUs()) : 0;
}

void RateLimiter::succeed(PolicyId policy, const LimitKey &key)
{
    const std::shared_ptr<const PolicySet> set = m_policies.load();
    if ((*set)[policy].enabled)
        m_store->succeed((*set)[policy], key, nowUs());
}

Error RateLimiter::refusal(const RateDecision &decision)
{
    Error e =
        Error::make(ErrorCode::RateLimited, QStringLiteral("Too many requests; try again later"))
            .retryAfter(decision.retryAfterSeconds);
    e.policy = QString::fromLatin1(policyName(decision.policy));
    return e;
}

void RateLimiter::addHeaders(const RateDecision &decision,
                             QList<QPair<QByteArray, QByteArray>> &headers) const
{
    if (!decision.limited)
        return;
    headers.append(
        {QByteArrayLiteral("RateLimit-Policy"), m_policies.read()[decision.policy].headerItem()});
    headers.append({QByteArrayLiteral("RateLimit"), decision.headerItem()});
}

QJsonObject RateLimiter::toJson()
{
    const std::shared_ptr<const PolicySet> set = m_policies.load();
    const RateLimitStore::Usage usage = m_store->usage();
    return QJsonObject{
        {QStringLiteral("profile"), set->profileName()},
        {QStringLiteral("policies"), set->toJson()},
        {QStringLiteral("allowList"), QJsonArray::fromStringList(m_allow.load()->toStringList())},
        {QStringLiteral("trustedProxies"),
         QJsonArray::fromStringList(m_trustedProxies.toStringList())},
        {QStringLiteral("bans"), m_bans.toJson(m_clock.wallMs())},
        {QStringLiteral("autoBanSeconds"), m_autoBanSeconds},
        {QStringLiteral("counters"), m_stats.toJson()},
        {QStringLiteral("memory"), QJsonObject{{QStringLiteral("entries"), usage.entries},
                                               {QStringLiteral("bytes"), usage.bytes},
                                               {QStringLiteral("capBytes"), usage.capBytes},
                                               {QStringLiteral("evicted"), usage.evicted}}},
    };
}

Status RateLimiter::update(const QJsonObject &body)
{
    QList<FieldError> errors;
    std::optional<PolicySet> policies;
    std::optional<CidrList> allow;
    struct NewBan
    {
        QString address;
        qint64 untilMs = 0;
        QString reason;
    };
    QList<NewBan> add;
    QStringList remove;
    const qint64 nowMs = m_clock.wallMs();

    if (body.contains(QLatin1String("policies"))) {
        const QJsonValue v = body.value(QLatin1String("policies"));
        if (!v.isArray()) {
            errors.append({QStringLiteral("policies"), QStringLiteral("must be an array")});
        } else {
            Result<PolicySet> p = m_policies.load()->withJson(v.toArray());
            if (p)
                policies = p.value();
            else
                errors.append(p.error().fields);
        }
    }
    auto stringList = [&](const QJsonValue &v, const QString &field, QStringList *out) {
        if (!v.isArray()) {
            errors.append({field, QStringLiteral("must be an array of strings")});
            return false;
        }
        for (const QJsonValue &item : v.toArray()) {
            if (!item.isString()) {
                errors.append({field, QStringLiteral("must be an array of strings")});
                return false;
            }
            *out << item.toString();
        }
        return true;
    };
    if (body.contains(QLatin1String("allowList"))) {
        QStringList entries;
        if (stringList(body.value(QLatin1String("allowList")), QStringLiteral("allowList"),
                       &entries)) {
            Result<CidrList> list = CidrList::parse(entries);
            if (list)
                allow = list.value();
            else
                errors.append({QStringLiteral("allowList"), list.error().message});
        }
    }
    const QJsonValue bans = body.value(QLatin1String("bans"));
    if (!bans.isUndefined()) {
        const QJsonObject b = bans.toObject();
        if (!bans.isObject())
            errors.append({QStringLiteral("bans"), QStringLiteral("must be an object")});
        const QJsonValue adds = b.value(QLatin1String("add"));
        if (!adds.isUndefined() && !adds.isArray())
            errors.append({QStringLiteral("bans.add"), QStringLiteral("must be an array")});
        const QJsonArray addItems = adds.toArray();
        for (qsizetype i = 0; i < addItems.size(); ++i) {
            const QString f = QStringLiteral("bans.add[%1].").arg(i);
            const QJsonObject item = addItems.at(i).toObject();
            NewBan nb;
            nb.address = item.value(QLatin1String("address")).toString();
            if (!CidrList::parseRange(nb.address))
                errors.append({f + QStringLiteral("address"),
                               QStringLiteral("must be an IP address or CIDR range")});
            const QJsonValue duration = item.value(QLatin1String("durationSeconds"));
            if (!duration.isUndefined() && !duration.isNull()) {
                const double d = duration.toDouble(-1);
                if (!duration.isDouble() || d != double(qint64(d)) || d < 1 || d > 365 * 86400)
                    errors.append({f + QStringLiteral("durationSeconds"),
                                   QStringLiteral("must be a whole number from 1 to 31536000")});
                else
                    nb.untilMs = nowMs + qint64(d) * 1000;
            }
            const QJsonValue reason = item.value(QLatin1String("reason"));
            if (!reason.isUndefined() && (!reason.isString() || reason.toString().size() > 200))
                errors.append({f + QStringLiteral("reason"),
                               QStringLiteral("must be a string of at most 200 characters")});
            nb.reason = reason.toString(QStringLiteral("operator"));
            add.append(nb);
        }
        if (b.contains(QLatin1String("remove")))
            stringList(b.value(QLatin1String("remove")), QStringLiteral("bans.remove"), &remove);
    }
    const QJsonValue reset = body.value(QLatin1String("reset"));
    if (!reset.isUndefined() && !reset.isBool())
        errors.append({QStringLiteral("reset"), QStringLiteral("must be true or false")});
    if (!errors.isEmpty()) {
        Error e = Error::make(ErrorCode::ValidationError,
                              QStringLiteral("Invalid rate-limit settings; nothing was changed"));
        e.fields = errors;
        return e;
    }

    if (policies)
        m_policies.store(*policies);
    if (allow)
        m_allow.store(*allow);
    for (const QString &r : std::as_const(remove))
        m_bans.remove(r);
    for (const NewBan &nb : std::as_const(add))
        m_bans.add(nb.address, nb.untilMs, nb.reason, false);
    if (reset.toBool())
        m_store->clear();
    return {};
}

} // namespace cr
