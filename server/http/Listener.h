#pragma once

#include <QHostAddress>
#include <QTcpServer>

#include <atomic>
#include <functional>

namespace cr {

// Accepts connections in the listener thread. It normalises the peer address (an IPv4-mapped
// IPv6 address becomes IPv4), enforces the connection limit, and hands each descriptor to a
// worker; it never parses or handles anything itself.
class Listener : public QTcpServer
{
    Q_OBJECT
public:
    using Dispatch = std::function<void(qintptr descriptor, const QHostAddress &peer)>;
    // Renders the 503 for one refused connection (its own Date and X-Request-Id).
    using OverLimit = std::function<QByteArray()>;

    Listener(std::atomic<int> &open, int maxConnections, bool refuseOverLimit,
             OverLimit overLimitResponse, Dispatch dispatch);

    static QHostAddress peerOf(qintptr descriptor);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::atomic<int> &m_open;
    int m_max;
    bool m_refuse;
    OverLimit m_overLimit;
    Dispatch m_dispatch;
};

} // namespace cr
