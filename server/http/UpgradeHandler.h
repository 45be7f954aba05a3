#pragma once

#include <functional>

class QTcpSocket;

namespace cr {

struct RequestContext;

// Takes over a socket whose request head passed the early stages and asks for a WebSocket.
// The handshake bytes are still unread in the socket. One handler lives in each worker thread;
// `released` must be called once the socket is gone (it frees the connection slot).
class UpgradeHandler
{
public:
    virtual ~UpgradeHandler() = default;
    virtual void takeOver(QTcpSocket *socket, const RequestContext &ctx,
                          std::function<void()> released) = 0;
    // Closes every connection with 1001 (going away): for shutdown.
    virtual void closeAll() = 0;
    virtual int connectionCount() const = 0;
};

} // namespace cr
