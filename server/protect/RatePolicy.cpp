#include "protect/RatePolicy.h"

#include <QJsonValue>

namespace cr {

namespace {

constexpr const char *kNames[kPolicyCount] = {"anon",          "user",     "login",     "login-ip",
                                              "login-account", "register", "expensive", "offence"};

} // namespace

const char *policyName(PolicyId id)
{
    return kNames[int(id)];
}

bool policyFromName(const QString &name, PolicyId *id)
{
    for (int i = 0; i < kPolicyCount; ++i) {
        if (name == QLatin1String(kNames[i])) {
            *id = PolicyId(i);
            return true;
        }
    }
    return false;
}

QByteArray RatePolicy::headerItem() const
{
    return '"' + QByteArray(policyName(id)) + "\";q=" + QByteArray::number(limit) +
           ";w=" + QByteArray::number(windowSeconds);
}

QJsonObject RatePolicy::toJson() const
{
    QJsonObject o{{QStringLiteral("name"), name()},
                  {QStringLiteral("enabled"), enabled},
                  {QStringLiteral("limit"), limit},
                  {QStringLiteral("windowSeconds"), windowSeconds}};
    if (backoffAfter > 0) {
        o.insert(QStringLiteral("backoffAfter"), backoffAfter);
        o.insert(QStringLiteral("backoffMaxSeconds"), backoffMaxSeconds);
    }
    return o;
}

Result<RatePolicy> RatePolicy::fromJson(const QJsonObject &json, RatePolicy base,
                                        const QString &fieldPrefix)
{
    QList<FieldError> errors;
    auto wholeNumber = [&](const char *key, int min, int max, int *out) {
        const QJsonValue v = json.value(QLatin1String(key));
        if (v.isUndefined())
            return;
        const double d = v.toDouble(-1);
        if (!v.isDouble() || d != double(qint64(d)) || d < min || d > max) {
            errors.append(
                {fieldPrefix + QLatin1String(key),
                 QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max)});
            return;
        }
        *out = int(d);
    };
    const QJsonValue enabled = json.value(QLatin1String("enabled"));
    if (!enabled.isUndefined()) {
        if (enabled.isBool())
            base.enabled = enabled.toBool();
        else
            errors.append(
                {fieldPrefix + QStringLiteral("enabled"), QStringLiteral("must be true or false")});
    }
    wholeNumber("limit", 1, kMaxLimit, &base.limit);
    wholeNumber("windowSeconds", 1, kMaxWindowSeconds, &base.windowSeconds);
    wholeNumber("backoffAfter", 0, 1000, &base.backoffAfter);
    wholeNumber("backoffMaxSeconds", 0, kMaxWindowSeconds, &base.backoffMaxSeconds);
    if (errors.isEmpty() && qint64(base.limit) > qint64(base.windowSeconds) * 1000000)
        errors.append({fieldPrefix + QStringLiteral("limit"),
                       QStringLiteral("must be at most one per microsecond of the window")});
    if (!errors.isEmpty()) {
        Error e =
            Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid rate-limit policy"));
        e.fields = errors;
        return e;
    }
    return base;
}

Result<RatePolicy> RatePolicy::fromSpec(const QString &spec, RatePolicy base)
{
    const QString s = spec.trimmed();
    if (s == QLatin1String("off")) {
        base.enabled = false;
        return base;
    }
    const qsizetype slash = s.indexOf(u'/');
    bool okLimit = false;
    bool okWindow = false;
    const int limit = slash > 0 ? s.left(slash).toInt(&okLimit) : 0;
    const int window = slash > 0 ? s.mid(slash + 1).toInt(&okWindow) : 0;
    if (!okLimit || !okWindow || limit < 1 || limit > kMaxLimit || window < 1 ||
        window > kMaxWindowSeconds || qint64(limit) > qint64(window) * 1000000)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("expected LIMIT/WINDOW_SECONDS (e.g. 20/10) or off"));
    base.enabled = true;
    base.limit = limit;
    base.windowSeconds = window;
    return base;
}

} // namespace cr
