#pragma once

#include "core/Error.h"

#include <QString>

#include <functional>
#include <mutex>

namespace cr {

class Clock;

struct CircuitBreakerOptions
{
    int failureThreshold = 5;  // consecutive failures that open a closed breaker
    qint64 coolDownMs = 30000; // open → half-open after this long
    int halfOpenProbes = 1;    // concurrent probes while half-open; successes to close
};

// A circuit breaker around one external dependency (the database, later the sandbox):
//
//   closed     calls go through; `failureThreshold` consecutive failures open it;
//   open       calls are refused at once (DEPENDENCY_UNAVAILABLE with Retry-After) until
//              `coolDownMs` has passed since it opened;
//   half-open  up to `halfOpenProbes` calls at a time go through as probes; a failed probe
//              opens it again (a new cool-down), `halfOpenProbes` successful ones close it.
//
// Only failures that say the dependency is down count (a lost connection, a timeout), never a
// caller's mistake (a constraint violation): the caller decides what to record. Every call
// that acquire() let through is answered once with recordSuccess, recordFailure or release
// (did not use the dependency). All timing reads the Clock. Thread-safe.
class CircuitBreaker
{
public:
    enum class State
    {
        Closed = 0, // the numbers are those of coderunner_circuit_breaker_state
        HalfOpen = 1,
        Open = 2,
    };

    using Options = CircuitBreakerOptions;

    // What acquire() decided. Pass it back to record*/release.
    struct Permit
    {
        bool allowed = false;
        bool probe = false;      // a half-open probe
        quint64 generation = 0;  // the state it was granted in: later records of it are stale
        qint64 retryAfterMs = 0; // refused: until the next probe may go
    };

    struct Status
    {
        State state = State::Closed;
        int consecutiveFailures = 0;
        qint64 openedAtWallMs = 0;  // last time it opened (0: never)
        qint64 changedAtWallMs = 0; // last transition (0: never)
        qint64 retryAfterMs = 0;    // open: time left of the cool-down
        quint64 timesOpened = 0;
    };

    // (dependency, from, to): called after the transition, outside the breaker's lock, in the
    // thread that caused it.
    using Listener = std::function<void(const QString &dependency, State from, State to)>;

    CircuitBreaker(QString dependency, const Clock &clock, Options options = Options());
    CircuitBreaker(const CircuitBreaker &) = delete;
    CircuitBreaker &operator=(const CircuitBreaker &) = delete;

    const QString &dependency() const { return m_dependency; }
    const Options &options() const { return m_options; }

    // May this call go to the dependency? Moves open → half-open once the cool-down is over.
    Permit acquire();
    void recordSuccess(const Permit &permit);
    void recordFailure(const Permit &permit);
    // The call did not use the dependency after all: frees its probe slot, decides nothing.
    void release(const Permit &permit);

    State state() const;
    Status status() const;
    // The refusal for a call acquire() did not let through: DEPENDENCY_UNAVAILABLE, naming the
    // dependency, with Retry-After in whole seconds (at least 1).
    Error refusal(const Permit &permit) const;

    // Set once, before use (the registry does): told of every transition.
    void setListener(Listener listener);

    static const char *stateName(State state); // closed | half_open | open

private:
    struct Transition
    {
        bool happened = false;
        State from = State::Closed;
        State to = State::Closed;
    };
    Transition moveTo(State to); // with m_mutex held
    void notify(const Transition &t);

    QString m_dependency;
    const Clock &m_clock;
    Options m_options;
    Listener m_listener;

    mutable std::mutex m_mutex;
    State m_state = State::Closed;
    quint64 m_generation = 1;
    int m_failures = 0;       // consecutive, while closed
    int m_probesInFlight = 0; // half-open
    int m_probeSuccesses = 0; // half-open
    qint64 m_openedAtMs = 0;  // monotonic
    qint64 m_openedAtWallMs = 0;
    qint64 m_changedAtWallMs = 0;
    quint64 m_timesOpened = 0;
};

} // namespace cr
