#include "telemetry/AlertEngine.h"

#include "core/Clock.h"
#include "core/Logging.h"

#include <QDateTime>
#include <QJsonArray>

#include <algorithm>

namespace cr {
namespace {

QJsonValue isoOrNull(qint64 wallMs)
{
    if (wallMs <= 0)
        return QJsonValue::Null;
    return QDateTime::fromMSecsSinceEpoch(wallMs, Qt::UTC).toString(Qt::ISODateWithMs);
}

QStringList subjectsOf(const AlertRule &rule, const AlertInputs &in)
{
    if (rule.input == u"openBreakers")
        return in.openBreakers;
    if (rule.input == u"healthUnhealthy")
        return in.unhealthyChecks;
    return {};
}

} // namespace

QJsonObject Alert::toJson() const
{
    return QJsonObject{{QStringLiteral("name"), name},
                       {QStringLiteral("severity"), severity},
                       {QStringLiteral("summary"), summary},
                       {QStringLiteral("state"), state},
                       {QStringLiteral("value"), value},
                       {QStringLiteral("threshold"), threshold},
                       {QStringLiteral("subjects"), QJsonArray::fromStringList(subjects)},
                       {QStringLiteral("pendingSince"), isoOrNull(pendingSinceWallMs)},
                       {QStringLiteral("firedAt"), isoOrNull(firedAtWallMs)},
                       {QStringLiteral("resolvedAt"), isoOrNull(resolvedAtWallMs)}};
}

AlertEngine::AlertEngine(const Clock &clock, QList<AlertRule> rules, int historySize)
    : m_clock(clock)
    , m_rules(std::move(rules))
    , m_historySize(qMax(0, historySize))
    , m_states(size_t(m_rules.size()))
{}

void AlertEngine::addListener(Listener listener)
{
    m_listeners.push_back(std::move(listener));
}

void AlertEngine::evaluate(const AlertInputs &inputs)
{
    const qint64 now = m_clock.monotonicMs();
    const qint64 wall = m_clock.wallMs();
    QList<Alert> events;
    for (int i = 0; i < m_rules.size(); ++i) {
        const AlertRule &rule = m_rules.at(i);
        RuleState &st = m_states[size_t(i)];
        if (!rule.enabled)
            continue;
        const double value = AlertRule::valueOf(rule.input, inputs);
        const bool firing = st.phase == Phase::Firing || st.phase == Phase::Resolving;
        const bool holds = rule.exceeds(value, firing);
        switch (st.phase) {
        case Phase::Inactive:
            if (!holds)
                break;
            st.phase = Phase::Pending;
            st.sinceMs = now;
            st.pendingSinceWallMs = wall;
            [[fallthrough]];
        case Phase::Pending:
            if (!holds) {
                st.phase = Phase::Inactive;
            } else if (now - st.sinceMs >= rule.forMs) {
                st.phase = Phase::Firing;
                st.alert = Alert();
                st.alert.name = rule.name;
                st.alert.severity = rule.severity;
                st.alert.summary = rule.summary;
                st.alert.state = QStringLiteral("firing");
                st.alert.value = value;
                st.alert.threshold = rule.threshold;
                st.alert.pendingSinceWallMs = st.pendingSinceWallMs;
                st.alert.firedAtWallMs = wall;
                st.alert.subjects = subjectsOf(rule, inputs);
                events.append(st.alert);
            }
            break;
        case Phase::Firing:
        case Phase::Resolving:
            if (holds) {
                st.phase = Phase::Firing;
                st.alert.value = value;
                st.alert.subjects = subjectsOf(rule, inputs);
                break;
            }
            if (st.phase == Phase::Firing) {
                st.phase = Phase::Resolving;
                st.sinceMs = now;
            }
            if (now - st.sinceMs >= rule.resolveForMs) {
                st.phase = Phase::Inactive;
                st.alert.state = QStringLiteral("resolved");
                st.alert.value = value;
                st.alert.resolvedAtWallMs = wall;
                events.append(st.alert);
            }
            break;
        }
    }

    {
        QMutexLocker lock(&m_mutex);
        m_lastInputs = inputs;
        m_active.clear();
        for (size_t i = 0; i < m_states.size(); ++i) {
            if (m_states[i].phase == Phase::Firing || m_states[i].phase == Phase::Resolving)
                m_active.append(m_states[i].alert);
        }
        std::sort(m_active.begin(), m_active.end(),
                  [](const Alert &a, const Alert &b) { return a.firedAtWallMs < b.firedAtWallMs; });
        for (const Alert &e : events) {
            if (e.state != u"resolved")
                continue;
            m_history.push_front(e);
            while (int(m_history.size()) > m_historySize)
                m_history.pop_back();
        }
    }

    for (const Alert &e : events) {
        if (e.state == u"firing")
            qCWarning(lcHealth).noquote().nospace()
                << "alert " << e.name << " firing (" << e.severity << "): " << e.summary
                << " [value " << e.value << ", threshold " << e.threshold << "]";
        else
            qCInfo(lcHealth).noquote().nospace() << "alert " << e.name << " resolved";
        for (const Listener &l : m_listeners)
            l(e);
    }
}

AlertInputs AlertEngine::lastInputs() const
{
    QMutexLocker lock(&m_mutex);
    return m_lastInputs;
}

QList<Alert> AlertEngine::active() const
{
    QMutexLocker lock(&m_mutex);
    return m_active;
}

QList<Alert> AlertEngine::history() const
{
    QMutexLocker lock(&m_mutex);
    return QList<Alert>(m_history.begin(), m_history.end());
}

QJsonObject AlertEngine::toJson() const
{
    QJsonArray active;
    QJsonArray history;
    QJsonArray rules;
    for (const Alert &a : this->active())
        active.append(a.toJson());
    for (const Alert &a : this->history())
        history.append(a.toJson());
    for (const AlertRule &r : m_rules)
        rules.append(r.toJson());
    return QJsonObject{{QStringLiteral("active"), active},
                       {QStringLiteral("history"), history},
                       {QStringLiteral("rules"), rules}};
}

} // namespace cr
