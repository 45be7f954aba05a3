#pragma once

#include "core/Result.h"
#include "telemetry/AlertInputs.h"

#include <QJsonObject>
#include <QList>
#include <QString>

namespace cr {

struct Settings;

// One alert rule: a value of the AlertInputs compared with a threshold, with hysteresis. It
// fires once the condition has held for `forMs`; while firing the condition is the one of
// `resolveThreshold` (a band: e.g. fire above 90 %, stay firing until below 85 %), and it
// resolves once that has been false for `resolveForMs`.
struct AlertRule
{
    QString name;      // unique, e.g. "HighLatencyP95"
    QString input;     // an AlertInputs field: p95LatencyMs, errorRate, failedLoginsPerMinute,
                       // memoryPercent, cpuPercent, openBreakers (their number),
                       // healthUnhealthy (0 or 1)
    bool above = true; // fires when the value is above the threshold (false: below)
    double threshold = 0;
    double resolveThreshold = 0;
    qint64 forMs = 0;
    qint64 resolveForMs = 0;
    QString severity = QStringLiteral("warning"); // warning | critical
    QString summary;
    bool enabled = true;

    bool exceeds(double value, bool firing) const;
    QJsonObject toJson() const;

    static QStringList inputNames();
    // The value of `input` in `inputs`; NaN for an unknown input.
    static double valueOf(const QString &input, const AlertInputs &inputs);

    // The audit's defaults from the settings: p95 latency, error rate, failed logins, memory,
    // CPU (alertForSeconds / alertResolveSeconds), any breaker open (fires at once), health
    // unhealthy.
    static QList<AlertRule> defaults(const Settings &settings);
    // The defaults changed by a JSON rules file: {"rules": [{"name", "input", "op" (">" or
    // "<"), "threshold", "resolveThreshold", "forSeconds", "resolveSeconds", "severity",
    // "summary", "enabled"}]}. A rule named like a default changes the fields it gives; another
    // name adds a rule (input, op and threshold required). Errors name the rule and the field.
    static Result<QList<AlertRule>> merge(QList<AlertRule> rules, const QJsonObject &file);
    static Result<QList<AlertRule>> load(const Settings &settings);
};

} // namespace cr
