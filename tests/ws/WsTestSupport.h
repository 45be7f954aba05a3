#pragma once

// Helpers for the WebSocket tests: a QWebSocket client that collects JSON
// messages, and a deliberately slow raw client (POSIX socket with a tiny receive buffer) that
// completes the handshake and can then stop reading.

#include "FakeAuthenticator.h"

#include <QJsonObject>
#include <QList>
#include <QObject>
#include <QWebSocket>

#include <optional>

class WsClient : public QObject
{
    Q_OBJECT
public:
    explicit WsClient(const QString &origin = QString());

    bool open(quint16 port, const QString &pathAndQuery = QStringLiteral("/ws"));
    void send(const QJsonObject &message);
    void sendRaw(const QString &text);
    // The next message not yet taken, waiting up to timeoutMs; an empty object on timeout.
    QJsonObject next(int timeoutMs = 5000);
    // Skips messages until one of this type (and, if given, this "id"/"seq" value) arrives.
    QJsonObject waitFor(const QString &type, int timeoutMs = 5000);
    // Sends a ping with a fresh id and waits for its pong: everything the server sent before
    // is then in messages().
    bool roundTrip(int timeoutMs = 5000);
    // auth + the authenticated welcome.
    bool authenticate(const QByteArray &token);
    bool subscribe(const QString &channel, const QString &deployment = QString());
    bool waitClosed(int timeoutMs = 5000);

    const QList<QJsonObject> &messages() const { return m_messages; }
    QList<QJsonObject> messagesOfType(const QString &type) const;
    QWebSocket &socket() { return m_socket; }
    int closeCode() const { return int(m_socket.closeCode()); }

private:
    QWebSocket m_socket;
    QList<QJsonObject> m_messages;
    qsizetype m_read = 0;
    int m_nextPing = 1000;
};

class SlowClient
{
public:
    SlowClient() = default;
    ~SlowClient();
    SlowClient(const SlowClient &) = delete;
    SlowClient &operator=(const SlowClient &) = delete;

    bool connectTo(quint16 port, int receiveBuffer = 4096);
    bool handshake(const QByteArray &pathAndQuery = "/ws");
    void sendText(const QByteArray &payload);
    void sendJson(const QJsonObject &message);
    // The next text frame as JSON; close frames come back as {type:"close", code}.
    std::optional<QJsonObject> readMessage(int timeoutMs = 5000);
    // Reads and discards until the server closes or resets the connection.
    bool waitForServerClose(int timeoutMs = 5000);
    // Raw bytes, no framing; false once the server has reset the connection.
    bool sendBytes(const QByteArray &bytes);
    // Waits until something can be read, without reading it.
    bool waitReadable(int timeoutMs = 5000);
    // Everything received until the server closes (or the time is over); errors end it too.
    QByteArray readAll(int timeoutMs = 5000);

private:
    bool fill(int timeoutMs);
    int m_fd = -1;
    QByteArray m_in;
};

// A raw upgrade request. An empty key or version leaves that header out.
QByteArray upgradeRequest(const QByteArray &pathAndQuery, const QByteArray &extraHeaders = {},
                          const QByteArray &host = "localhost",
                          const QByteArray &key = "dGhlIHNhbXBsZSBub25jZQ==",
                          const QByteArray &version = "13");
QByteArray acceptFor(const QByteArray &key);
