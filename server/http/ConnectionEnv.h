#pragma once

#include <atomic>

namespace cr {

class Clock;
class RequestObserver;
class RequestPipeline;
class ResponseWriter;
class UpgradeHandler;
struct Settings;

// What every connection of one worker shares. All of it outlives the connections.
struct ConnectionEnv
{
    const Settings *settings = nullptr;
    const Clock *clock = nullptr;
    const RequestPipeline *pipeline = nullptr;
    const ResponseWriter *writer = nullptr;
    UpgradeHandler *upgrades = nullptr;          // this worker's WebSocket endpoint, may be null
    std::atomic<int> *openConnections = nullptr; // the server-wide count, for the limit
    RequestObserver *observer = nullptr;         // counts requests (telemetry), may be null
};

} // namespace cr
