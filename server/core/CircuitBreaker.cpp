#include "core/CircuitBreaker.h"

#include "core/Clock.h"

#include <QLoggingCategory>

namespace cr {
namespace {

Q_LOGGING_CATEGORY(lcBreaker, "cr.breaker")

} // namespace

CircuitBreaker::CircuitBreaker(QString dependency, const Clock &clock, Options options)
    : m_dependency(std::move(dependency))
    , m_clock(clock)
    , m_options(options)
{
    m_options.failureThreshold = qMax(1, m_options.failureThreshold);
    m_options.coolDownMs = qMax<qint64>(0, m_options.coolDownMs);
    m_options.halfOpenProbes = qMax(1, m_options.halfOpenProbes);
}

void CircuitBreaker::setListener(Listener listener)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    m_listener = std::move(listener);
}

const char *CircuitBreaker::stateName(State state)
{
    switch (state) {
    case State::Closed:
        return "closed";
    case State::HalfOpen:
        return "half_open";
    case State::Open:
        return "open";
    }
    return "open";
}

CircuitBreaker::Transition CircuitBreaker::moveTo(State to)
{
    Transition t;
    if (m_state == to)
        return t;
    t.happened = true;
    t.from = m_state;
    t.to = to;
    m_state = to;
    ++m_generation;
    m_changedAtWallMs = m_clock.wallMs();
    m_probesInFlight = 0;
    m_probeSuccesses = 0;
    if (to == State::Open) {
        m_openedAtMs = m_clock.monotonicMs();
        m_openedAtWallMs = m_changedAtWallMs;
        ++m_timesOpened;
    }
    if (to == State::Closed)
        m_failures = 0;
    return t;
}

void CircuitBreaker::notify(const Transition &t)
{
    if (!t.happened)
        return;
    const char *from = stateName(t.from);
    const char *to = stateName(t.to);
    if (t.to == State::Open)
        qCWarning(lcBreaker).noquote().nospace()
            << "circuit breaker " << m_dependency << ": " << from << " -> " << to
            << " (calls fail fast for " << m_options.coolDownMs << " ms)";
    else
        qCInfo(lcBreaker).noquote().nospace()
            << "circuit breaker " << m_dependency << ": " << from << " -> " << to;
    Listener listener;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        listener = m_listener;
    }
    if (listener)
        listener(m_dependency, t.from, t.to);
}

CircuitBreaker::Permit CircuitBreaker::acquire()
{
    Permit p;
    Transition t;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_state == State::Open) {
            const qint64 left = m_openedAtMs + m_options.coolDownMs - m_clock.monotonicMs();
            if (left > 0) {
                p.retryAfterMs = left;
                p.generation = m_generation;
                return p;
            }
            t = moveTo(State::HalfOpen);
        }
        p.generation = m_generation;
        if (m_state == State::Closed) {
            p.allowed = true;
        } else if (m_probesInFlight < m_options.halfOpenProbes) {
            ++m_probesInFlight;
            p.allowed = true;
            p.probe = true;
        } else {
            p.retryAfterMs = 1000; // a probe is under way: its answer decides
        }
    }
    notify(t);
    return p;
}

void CircuitBreaker::recordSuccess(const Permit &permit)
{
    Transition t;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!permit.allowed || permit.generation != m_generation)
            return; // stale: granted before the last transition
        if (m_state == State::Closed) {
            m_failures = 0;
        } else if (m_state == State::HalfOpen && permit.probe) {
            --m_probesInFlight;
            if (++m_probeSuccesses >= m_options.halfOpenProbes)
                t = moveTo(State::Closed);
        }
    }
    notify(t);
}

void CircuitBreaker::recordFailure(const Permit &permit)
{
    Transition t;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (!permit.allowed || permit.generation != m_generation)
            return;
        if (m_state == State::Closed) {
            if (++m_failures >= m_options.failureThreshold)
                t = moveTo(State::Open);
        } else if (m_state == State::HalfOpen && permit.probe) {
            t = moveTo(State::Open);
        }
    }
    notify(t);
}

void CircuitBreaker::release(const Permit &permit)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (!permit.allowed || !permit.probe || permit.generation != m_generation)
        return;
    if (m_state == State::HalfOpen && m_probesInFlight > 0)
        --m_probesInFlight;
}

CircuitBreaker::State CircuitBreaker::state() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_state;
}

CircuitBreaker::Status CircuitBreaker::status() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Status s;
    s.state = m_state;
    s.consecutiveFailures = m_failures;
    s.openedAtWallMs = m_openedAtWallMs;
    s.changedAtWallMs = m_changedAtWallMs;
    s.timesOpened = m_timesOpened;
    if (m_state == State::Open)
        s.retryAfterMs =
            qMax<qint64>(0, m_openedAtMs + m_options.coolDownMs - m_clock.monotonicMs());
    return s;
}

Error CircuitBreaker::refusal(const Permit &permit) const
{
    const qint64 ms = qMax<qint64>(permit.retryAfterMs, 1);
    const int seconds = int(qMin<qint64>((ms + 999) / 1000, 86400));
    return Error::make(ErrorCode::DependencyUnavailable,
                       QStringLiteral("the %1 is unavailable; try again later").arg(m_dependency))
        .retryAfter(seconds);
}

} // namespace cr
