#pragma once

#include "telemetry/AlertInputs.h"
#include "telemetry/AlertRule.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>

#include <deque>
#include <functional>
#include <vector>

namespace cr {

class Clock;

// One alert that fired: its rule, when it started and (once resolved) ended.
struct Alert
{
    QString name;
    QString severity;
    QString summary;
    QString state;    // firing | resolved
    double value = 0; // the input's value when it fired (or resolved)
    double threshold = 0;
    qint64 firedAtWallMs = 0; // when it fired
    qint64 resolvedAtWallMs = 0;
    qint64 pendingSinceWallMs = 0; // when the condition first held
    QStringList subjects;          // what it is about: open breakers, unhealthy checks

    QJsonObject toJson() const;
};

// Evaluates the alert rules over AlertInputs with hysteresis, by the Clock: a rule's condition
// must hold for its `forMs` (pending) before the alert fires, and be gone for its
// `resolveForMs` before it resolves; a condition that comes back while resolving keeps it
// firing, one that goes away while pending never fires. Firing and resolving are events,
// handed to the listeners (the WebSocket `alerts` channel, the audit log) in the evaluating
// thread; active() and history() may be read from any thread.
class AlertEngine
{
public:
    using Listener = std::function<void(const Alert &event)>;

    AlertEngine(const Clock &clock, QList<AlertRule> rules, int historySize = 200);

    // Before evaluations start.
    void addListener(Listener listener);

    // One evaluation (the background thread: each health round, each telemetry tick).
    void evaluate(const AlertInputs &inputs);
    // The inputs of the last evaluation: change some fields and evaluate again.
    AlertInputs lastInputs() const;

    QList<Alert> active() const;  // firing now, oldest first
    QList<Alert> history() const; // resolved ones, newest first, at most historySize
    QList<AlertRule> rules() const { return m_rules; }
    // {active: [...], history: [...], rules: [...]}: the body of GET /api/admin/alerts.
    QJsonObject toJson() const;

private:
    enum class Phase
    {
        Inactive,
        Pending, // the condition holds, not yet for long enough
        Firing,
        Resolving, // firing, the condition has been gone since resolvingSinceMs
    };
    struct RuleState
    {
        Phase phase = Phase::Inactive;
        qint64 sinceMs = 0; // monotonic: pending since / resolving since
        qint64 pendingSinceWallMs = 0;
        Alert alert;
    };

    const Clock &m_clock;
    const QList<AlertRule> m_rules;
    const int m_historySize;
    std::vector<RuleState> m_states; // the evaluating thread's
    std::vector<Listener> m_listeners;

    mutable QMutex m_mutex; // guards what other threads read
    AlertInputs m_lastInputs;
    QList<Alert> m_active;
    std::deque<Alert> m_history;
};

} // namespace cr
