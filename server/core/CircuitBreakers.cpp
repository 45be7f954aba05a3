#include "core/CircuitBreakers.h"

namespace cr {

CircuitBreakers::CircuitBreakers(const Clock &clock)
    : m_clock(clock)
    , m_listeners(std::make_shared<Listeners>())
{}

void CircuitBreakers::Listeners::notify(const QString &dependency, CircuitBreaker::State from,
                                        CircuitBreaker::State to)
{
    std::vector<std::pair<int, CircuitBreaker::Listener>> copy;
    {
        std::lock_guard<std::mutex> lock(mutex);
        copy = list;
    }
    for (const auto &entry : copy)
        entry.second(dependency, from, to);
}

std::shared_ptr<CircuitBreaker> CircuitBreakers::add(const QString &dependency,
                                                     CircuitBreaker::Options options)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto &b : m_breakers) {
        if (b->dependency() == dependency)
            return b;
    }
    auto breaker = std::make_shared<CircuitBreaker>(dependency, m_clock, options);
    std::weak_ptr<Listeners> listeners = m_listeners;
    breaker->setListener(
        [listeners](const QString &name, CircuitBreaker::State from, CircuitBreaker::State to) {
            if (auto l = listeners.lock())
                l->notify(name, from, to);
        });
    m_breakers.append(breaker);
    return breaker;
}

std::shared_ptr<CircuitBreaker> CircuitBreakers::find(const QString &dependency) const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    for (const auto &b : m_breakers) {
        if (b->dependency() == dependency)
            return b;
    }
    return nullptr;
}

QList<std::shared_ptr<CircuitBreaker>> CircuitBreakers::all() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_breakers;
}

QStringList CircuitBreakers::names() const
{
    QStringList out;
    for (const auto &b : all())
        out << b->dependency();
    return out;
}

QStringList CircuitBreakers::open() const
{
    QStringList out;
    for (const auto &b : all()) {
        if (b->state() != CircuitBreaker::State::Closed)
            out << b->dependency();
    }
    return out;
}

int CircuitBreakers::addListener(CircuitBreaker::Listener listener)
{
    std::lock_guard<std::mutex> lock(m_listeners->mutex);
    const int id = m_listeners->nextId++;
    m_listeners->list.emplace_back(id, std::move(listener));
    return id;
}

void CircuitBreakers::removeListener(int id)
{
    std::lock_guard<std::mutex> lock(m_listeners->mutex);
    auto &list = m_listeners->list;
    for (auto it = list.begin(); it != list.end(); ++it) {
        if (it->first == id) {
            list.erase(it);
            return;
        }
    }
}

} // namespace cr
