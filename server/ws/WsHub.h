#pragma once

#include "http/UpgradeHandler.h"

#include <QJsonObject>
#include <QList>
#include <QMutex>
#include <QPointer>
#include <QStringList>

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

    // Credentials were revoked (sessions logged out, a user's tokens cut off by a password or
    // role change or a disabled account): every endpoint checks the credentials of its
    // sockets of those sessions or users again, in its own thread, and closes the ones now
    // refused with 4001 (CONTRACT §9). Thread-safe; never waits.
    void revalidate(const QStringList &sessionIds, const QStringList &userIds);

    int connectionCount() const { return m_connections.load(); }
    const Settings &settings() const { return m_settings; }
    const Clock &clock() const { return m_clock; }
    const Authenticator *authenticator() const { return m_authenticator; }

    // WebSocket messages received and sent, for the metrics (relaxed counters).
    quint64 messagesIn() const { return m_messagesIn.load(std::memory_order_relaxed); }
    quint64 messagesOut() const { return m_messagesOut.load(std::memory_order_relaxed); }
    void messageIn() { m_messagesIn.fetch_add(1, std::memory_order_relaxed); }
    void messageOut() { m_messagesOut.fetch_add(1, std::memory_order_relaxed); }

    void sessionOpened() { m_connections.fetch_add(1); }
    void sessionClosed() { m_connections.fetch_sub(1); }
    void endpointGone(WsEndpoint *endpoint);

private:
    const Settings &m_settings;
    const Clock &m_clock;
    const Authenticator *m_authenticator;
    std::atomic<int> m_connections{0};
    std::atomic<quint64> m_messagesIn{0};
    std::atomic<quint64> m_messagesOut{0};
    mutable QMutex m_mutex;
    QList<WsEndpoint *> m_endpoints;
};

} // namespace cr
