#include "http/Listener.h"

#include <sys/socket.h>
#include <unistd.h>

namespace cr {

Listener::Listener(std::atomic<int> &open, int maxConnections, bool refuseOverLimit,
                   Dispatch dispatch)
    : m_open(open)
    , m_max(maxConnections)
    , m_refuse(refuseOverLimit)
    , m_dispatch(std::move(dispatch))
{}

QHostAddress Listener::peerOf(qintptr descriptor)
{
    sockaddr_storage storage{};
    socklen_t length = sizeof storage;
    if (::getpeername(int(descriptor), reinterpret_cast<sockaddr *>(&storage), &length) != 0)
        return {};
    QHostAddress address(reinterpret_cast<const sockaddr *>(&storage));
    bool mapped = false;
    const quint32 v4 = address.toIPv4Address(&mapped);
    if (mapped && address.protocol() == QAbstractSocket::IPv6Protocol)
        return QHostAddress(v4);
    return address;
}

void Listener::incomingConnection(qintptr descriptor)
{
    if (m_open.fetch_add(1) >= m_max) {
        m_open.fetch_sub(1);
        if (m_refuse) {
            ::close(int(descriptor));
            return;
        }
        // A worker answers 503 and closes gently (see HttpWorker::refuse).
        m_dispatch(descriptor, peerOf(descriptor), true);
        return;
    }
    m_dispatch(descriptor, peerOf(descriptor), false);
}

} // namespace cr
