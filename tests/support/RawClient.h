#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QJsonObject>
#include <QMap>
#include <QTcpSocket>

#include <optional>

// A plain TCP client for HTTP tests that need exact bytes on the wire: pipelining, smuggling
// shapes, partial sends, timeouts. Blocking calls, each with a bounded wait.
class RawClient
{
public:
    struct Response
    {
        int status = 0;
        QMap<QByteArray, QByteArray> headers; // lower-case names; repeated names joined by ", "
        QByteArray body;
        QJsonObject json() const;
        QByteArray header(const char *lowerName) const { return headers.value(lowerName); }
    };

    explicit RawClient(quint16 port);
    // Connects to another local address (e.g. QHostAddress::LocalHostIPv6).
    RawClient(const QHostAddress &address, quint16 port);
    bool isConnected() const;
    void send(const QByteArray &bytes);
    // Reads one response. headRequest: the response has no body whatever Content-Length says.
    std::optional<Response> read(int timeoutMs = 5000, bool headRequest = false);
    // True when the server closed the connection within the time.
    bool waitForClose(int timeoutMs = 5000);
    // Bytes received but not (yet) consumed by read(): after waitForClose(), whatever the server
    // sent beyond the responses already read.
    QByteArray pending() const { return m_buffer; }
    QTcpSocket &socket() { return m_socket; }

    // Takes one complete response off the front of buffer, if it holds one (for clients that
    // read their own socket, e.g. over TLS).
    static std::optional<Response> takeResponse(QByteArray &buffer, bool headRequest = false);

    // One request on a fresh connection: GET path with Host: localhost.
    static std::optional<Response> get(quint16 port, const QByteArray &path,
                                       const QByteArray &extraHeaders = QByteArray());

private:
    bool fill(int timeoutMs);
    QTcpSocket m_socket;
    QByteArray m_buffer;
};
