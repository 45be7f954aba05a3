#include "http/Listener.h"

#include <sys/socket.h>
#include <unistd.h>

namespace cr {

Listener::Listener(std::atomic<int> &open, int maxConnections, bool refuseOverLimit,
                   OverLimit overLimitResponse, Dispatch dispatch)
    : m_open(open)
    , m_max(maxConnections)
    , m_refuse(refuseOverLimit)
    , m_overLimit(std::move(overLimitResponse))
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
        if (!m_refuse) { // a best-effort answer; the socket is new, so its buffer has room
            const QByteArray response = m_overLimit();
            (void)::send(int(descriptor), response.constData(), size_t(response.size()),
                         MSG_DONTWAIT | MSG_NOSIGNAL);
        }
        ::shutdown(int(descriptor), SHUT_RDWR);
        ::close(int(descriptor));
        return;
    }
    m_dispatch(descriptor, peerOf(descriptor));
}

} // namespace cr
