#pragma once

#include "http/UpgradeHandler.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QPointer>

#include <atomic>
#include <memory>

namespace cr {

class Authenticator;
class Clock;
class WsEndpoint;
struct Settings;

// Above the per-worker WebSocket endpoints: makes one for each worker thread, counts clients,
// and fans published messages out to every endpoint (each delivers in its own thread).
class WsHub
{
public:
    WsHub(const Settings &settings, const Clock &clock, const Authenticator *authenticator);

    // Called in a worker thread by the HTTP server: that worker's endpoint.
    std::unique_ptr<UpgradeHandler> makeEndpoint();

    // Sends {type: channel, channel, timestamp, ...message} to the subscribers of a channel
    // (and of one deployment, for per-deployment channels). Thread-safe.
    void publish(const QString &channel, const QJsonObject &message,
                 const QString &deployment = QString());

    int connectionCount() const { return m_connections.load(); }
    const Settings &settings() const { return m_settings; }
    const Clock &clock() const { return m_clock; }
    const Authenticator *authenticator() const { return m_authenticator; }

    void sessionOpened() { m_connections.fetch_add(1); }
    void sessionClosed() { m_connections.fetch_sub(1); }
    void endpointGone(WsEndpoint *endpoint);

private:
    const Settings &m_settings;
    const Clock &m_clock;
    const Authenticator *m_authenticator;
    std::atomic<int> m_connections{0};
    mutable QMutex m_mutex;
    QList<WsEndpoint *> m_endpoints;
};

} // namespace cr
