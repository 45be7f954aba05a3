#pragma once

#include <QString>

#include <functional>

namespace cr {

class Clock;
class HealthMonitor;
class Router;

// CONTRACT §2 health endpoints, under / and /api. Every answer comes from the monitor's cached
// snapshot: no health endpoint waits on I/O.
class HealthController
{
public:
    struct Sources
    {
        const HealthMonitor *monitor = nullptr;
        const Clock *clock = nullptr;
        qint64 startedMs = 0; // monotonic
        std::function<bool()> draining;
        std::function<int()> webSocketConnections;
    };

    explicit HealthController(Sources sources)
        : m_sources(std::move(sources))
    {}
    void registerRoutes(Router &router) const;

private:
    Sources m_sources;
};

} // namespace cr
