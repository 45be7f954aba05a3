#pragma once

#include <QString>

namespace cr {

class Clock;
class HealthMonitor;
class IdentityHost;
struct Settings;

// The background health checks of the engine (docs/OBSERVABILITY.md), with the thresholds of
// the settings: database (through its circuit breaker), disk, memory, CPU, event-loop lag and
// the master key's secret store.
class HealthChecks
{
public:
    // Adds them to `monitor` before it moves to its thread. The secret-store check learns the
    // master key from `host` now, or when it is loaded after listening.
    static void install(HealthMonitor &monitor, const Settings &settings, const Clock &clock,
                        IdentityHost &host, const QString &dataDir);
};

} // namespace cr
