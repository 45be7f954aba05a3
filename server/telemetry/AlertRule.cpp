#include "telemetry/AlertRule.h"

#include "core/Settings.h"

#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>

#include <cmath>
#include <limits>

namespace cr {
namespace {

AlertRule rule(const char *name, const char *input, double threshold, qint64 forMs,
               qint64 resolveForMs, const char *severity, const char *summary)
{
    AlertRule r;
    r.name = QString::fromLatin1(name);
    r.input = QString::fromLatin1(input);
    r.threshold = threshold;
    r.resolveThreshold = threshold;
    r.forMs = forMs;
    r.resolveForMs = resolveForMs;
    r.severity = QString::fromLatin1(severity);
    r.summary = QString::fromUtf8(summary);
    return r;
}

Error invalid(const QString &rule, const QString &why)
{
    return Error::make(ErrorCode::ValidationError,
                       QStringLiteral("alert rule '%1': %2").arg(rule, why));
}

} // namespace

bool AlertRule::exceeds(double value, bool firing) const
{
    if (std::isnan(value))
        return false;
    const double limit = firing ? resolveThreshold : threshold;
    return above ? value > limit : value < limit;
}

QJsonObject AlertRule::toJson() const
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("input"), input},
                       {QStringLiteral("op"), above ? QStringLiteral(">") : QStringLiteral("<")},
                       {QStringLiteral("threshold"), threshold},
                       {QStringLiteral("resolveThreshold"), resolveThreshold},
                       {QStringLiteral("forSeconds"), double(forMs) / 1000.0},
                       {QStringLiteral("resolveSeconds"), double(resolveForMs) / 1000.0},
                       {QStringLiteral("severity"), severity},
                       {QStringLiteral("summary"), summary},
                       {QStringLiteral("enabled"), enabled}};
}

QStringList AlertRule::inputNames()
{
    return {QStringLiteral("p95LatencyMs"),
            QStringLiteral("errorRate"),
            QStringLiteral("failedLoginsPerMinute"),
            QStringLiteral("memoryPercent"),
            QStringLiteral("cpuPercent"),
            QStringLiteral("openBreakers"),
            QStringLiteral("healthUnhealthy")};
}

double AlertRule::valueOf(const QString &input, const AlertInputs &in)
{
    if (input == u"p95LatencyMs")
        return in.p95LatencyMs;
    if (input == u"errorRate")
        return in.errorRate;
    if (input == u"failedLoginsPerMinute")
        return in.failedLoginsPerMinute;
    if (input == u"memoryPercent")
        return in.memoryPercent;
    if (input == u"cpuPercent")
        return in.cpuPercent;
    if (input == u"openBreakers")
        return double(in.openBreakers.size());
    if (input == u"healthUnhealthy")
        return in.healthUnhealthy ? 1.0 : 0.0;
    return std::numeric_limits<double>::quiet_NaN();
}

QList<AlertRule> AlertRule::defaults(const Settings &s)
{
    const qint64 forMs = qint64(s.alertForSeconds) * 1000;
    const qint64 resolveMs = qint64(s.alertResolveSeconds) * 1000;
    return {
        rule("CodeRunnerHighLatencyP95", "p95LatencyMs", s.alertLatencyP95Ms, forMs, resolveMs,
             "warning", "p95 request latency is above its threshold"),
        rule("CodeRunnerHighErrorRate", "errorRate", s.alertErrorRatePercent / 100.0, forMs,
             resolveMs, "critical", "more than the allowed share of requests fail with 5xx"),
        rule("CodeRunnerFailedLogins", "failedLoginsPerMinute", s.alertFailedLoginsPerMinute, forMs,
             resolveMs, "warning", "many failed logins: a password guessing attempt?"),
        rule("CodeRunnerHighMemory", "memoryPercent", s.alertMemoryPercent, forMs, resolveMs,
             "warning", "resident memory is close to the limit"),
        rule("CodeRunnerHighCpu", "cpuPercent", s.alertCpuPercent, forMs, resolveMs, "warning",
             "the process uses most of the CPU"),
        rule("CodeRunnerCircuitBreakerOpen", "openBreakers", 0, 0, resolveMs, "critical",
             "a dependency is unavailable: its circuit breaker is open"),
        rule("CodeRunnerUnhealthy", "healthUnhealthy", 0, forMs, resolveMs, "critical",
             "the health checks report the server unhealthy"),
    };
}

Result<QList<AlertRule>> AlertRule::merge(QList<AlertRule> rules, const QJsonObject &file)
{
    const QJsonValue list = file.value(QStringLiteral("rules"));
    if (!list.isArray())
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("alert rules: expected {\"rules\": [...]}"));
    const QStringList inputs = inputNames();
    for (const QJsonValue &v : list.toArray()) {
        if (!v.isObject())
            return Error::make(ErrorCode::ValidationError,
                               QStringLiteral("alert rules: every rule must be an object"));
        const QJsonObject o = v.toObject();
        const QString name = o.value(QStringLiteral("name")).toString();
        if (name.isEmpty())
            return Error::make(ErrorCode::ValidationError,
                               QStringLiteral("alert rules: every rule needs a name"));
        AlertRule *r = nullptr;
        for (AlertRule &existing : rules) {
            if (existing.name == name)
                r = &existing;
        }
        const bool added = r == nullptr;
        if (added) {
            for (const char *required : {"input", "op", "threshold"}) {
                if (!o.contains(QLatin1String(required)))
                    return invalid(
                        name, QStringLiteral("a new rule needs '%1'").arg(QLatin1String(required)));
            }
            rules.append(AlertRule());
            r = &rules.last();
            r->name = name;
            r->resolveThreshold = std::numeric_limits<double>::quiet_NaN();
        }
        auto number = [&](const char *key, double *out) -> Status {
            const QJsonValue x = o.value(QLatin1String(key));
            if (x.isUndefined())
                return {};
            if (!x.isDouble() || !std::isfinite(x.toDouble()))
                return invalid(name,
                               QStringLiteral("'%1' must be a number").arg(QLatin1String(key)));
            *out = x.toDouble();
            return {};
        };
        auto seconds = [&](const char *key, qint64 *outMs) -> Status {
            double s = double(*outMs) / 1000.0;
            if (Status st = number(key, &s); !st)
                return st;
            if (s < 0 || s > 7 * 86400)
                return invalid(
                    name,
                    QStringLiteral("'%1' must be between 0 and 604800").arg(QLatin1String(key)));
            *outMs = qint64(std::llround(s * 1000));
            return {};
        };
        if (o.contains(QStringLiteral("input"))) {
            const QString input = o.value(QStringLiteral("input")).toString();
            if (!inputs.contains(input))
                return invalid(name, QStringLiteral("'input' must be one of ") +
                                         inputs.join(QStringLiteral(", ")));
            r->input = input;
        }
        if (o.contains(QStringLiteral("op"))) {
            const QString op = o.value(QStringLiteral("op")).toString();
            if (op != u">" && op != u"<")
                return invalid(name, QStringLiteral("'op' must be \">\" or \"<\""));
            r->above = op == u">";
        }
        const double oldThreshold = r->threshold;
        if (Status st = number("threshold", &r->threshold); !st)
            return st.error();
        if (!added && r->resolveThreshold == oldThreshold)
            r->resolveThreshold = r->threshold; // followed the threshold: keep following it
        if (Status st = number("resolveThreshold", &r->resolveThreshold); !st)
            return st.error();
        if (std::isnan(r->resolveThreshold))
            r->resolveThreshold = r->threshold;
        if (r->above ? r->resolveThreshold > r->threshold : r->resolveThreshold < r->threshold)
            return invalid(name, QStringLiteral("'resolveThreshold' must not be beyond "
                                                "'threshold' (it is where a firing alert stops)"));
        if (Status st = seconds("forSeconds", &r->forMs); !st)
            return st.error();
        if (Status st = seconds("resolveSeconds", &r->resolveForMs); !st)
            return st.error();
        if (o.contains(QStringLiteral("severity"))) {
            const QString sev = o.value(QStringLiteral("severity")).toString();
            if (sev != u"warning" && sev != u"critical" && sev != u"info")
                return invalid(name,
                               QStringLiteral("'severity' must be info, warning or critical"));
            r->severity = sev;
        }
        if (o.contains(QStringLiteral("summary"))) {
            if (!o.value(QStringLiteral("summary")).isString())
                return invalid(name, QStringLiteral("'summary' must be a string"));
            r->summary = o.value(QStringLiteral("summary")).toString().left(500);
        }
        if (o.contains(QStringLiteral("enabled"))) {
            if (!o.value(QStringLiteral("enabled")).isBool())
                return invalid(name, QStringLiteral("'enabled' must be true or false"));
            r->enabled = o.value(QStringLiteral("enabled")).toBool();
        }
    }
    return rules;
}

Result<QList<AlertRule>> AlertRule::load(const Settings &settings)
{
    QList<AlertRule> rules = defaults(settings);
    if (settings.alertRulesFile.isEmpty())
        return rules;
    QFile f(settings.alertRulesFile);
    if (!f.open(QIODevice::ReadOnly))
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("cannot read the alert rules file %1").arg(settings.alertRulesFile));
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(f.read(1024 * 1024), &parseError);
    if (!doc.isObject())
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("the alert rules file %1 is not a JSON object (offset %2)")
                .arg(settings.alertRulesFile)
                .arg(parseError.offset));
    return merge(std::move(rules), doc.object());
}

} // namespace cr
