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
    // overLimit: the connection is over the limit and only gets a 503 (it is not counted).
    using Dispatch =
        std::function<void(qintptr descriptor, const QHostAddress &peer, bool overLimit)>;

    Listener(std::atomic<int> &open, int maxConnections, bool refuseOverLimit, Dispatch dispatch);

    static QHostAddress peerOf(qintptr descriptor);

protected:
    void incomingConnection(qintptr descriptor) override;

private:
    std::atomic<int> &m_open;
    int m_max;
    bool m_refuse;
    Dispatch m_dispatch;
};

} // namespace cr
