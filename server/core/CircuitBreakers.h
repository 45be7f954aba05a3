#pragma once

#include "core/CircuitBreaker.h"

#include <QList>
#include <QString>
#include <QStringList>

#include <memory>
#include <mutex>
#include <vector>

namespace cr {

class Clock;

// The circuit breakers of one engine, by dependency name ("database", later "sandbox"). The
// composition root creates them; whoever calls a dependency holds its breaker; health, alerts
// and metrics read them here and subscribe to their transitions. Thread-safe.
class CircuitBreakers
{
public:
    explicit CircuitBreakers(const Clock &clock);
    CircuitBreakers(const CircuitBreakers &) = delete;
    CircuitBreakers &operator=(const CircuitBreakers &) = delete;

    // The breaker of `dependency`, created with `options` if it does not exist yet.
    std::shared_ptr<CircuitBreaker> add(const QString &dependency,
                                        CircuitBreaker::Options options = {});
    std::shared_ptr<CircuitBreaker> find(const QString &dependency) const;
    QList<std::shared_ptr<CircuitBreaker>> all() const; // in the order they were added
    QStringList names() const;
    QStringList open() const; // dependencies whose breaker is open or half-open

    // Told of every transition of every breaker, present and future, in the thread that caused
    // it (a storage thread, the background thread). Keep it short and thread-safe; it must not
    // call back into the breaker that is changing. Returns an id for removeListener.
    int addListener(CircuitBreaker::Listener listener);
    void removeListener(int id);

private:
    struct Listeners
    {
        std::mutex mutex;
        std::vector<std::pair<int, CircuitBreaker::Listener>> list;
        int nextId = 1;
        void notify(const QString &dependency, CircuitBreaker::State from,
                    CircuitBreaker::State to);
    };

    const Clock &m_clock;
    std::shared_ptr<Listeners> m_listeners; // breakers may outlive the registry
    mutable std::mutex m_mutex;
    QList<std::shared_ptr<CircuitBreaker>> m_breakers;
};

} // namespace cr
