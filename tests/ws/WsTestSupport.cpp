#include "WsTestSupport.h"

#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QRandomGenerator>
#include <QTest>
#include <QUrl>

#include <arpa/inet.h>
#include <cerrno>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

using namespace cr;

WsClient::WsClient(const QString &origin)
    : m_socket(origin)
{
    connect(&m_socket, &QWebSocket::textMessageReceived, this, [this](const QString &text) {
        m_messages.append(QJsonDocument::fromJson(text.toUtf8()).object());
    });
}

bool WsClient::open(quint16 port, const QString &pathAndQuery)
{
    // connected() counts even if the server closes right away (e.g. a bad ?token=).
    bool connected = false;
    const QMetaObject::Connection c =
        connect(&m_socket, &QWebSocket::connected, this, [&connected] { connected = true; });
    m_socket.open(QUrl(QStringLiteral("ws://127.0.0.1:%1%2").arg(port).arg(pathAndQuery)));
    const bool settled = QTest::qWaitFor(
        [&] { return connected || m_socket.state() == QAbstractSocket::UnconnectedState; }, 5000);
    Q_UNUSED(settled);
    disconnect(c);
    return connected;
}

void WsClient::send(const QJsonObject &message)
{
    m_socket.sendTextMessage(
        QString::fromUtf8(QJsonDocument(message).toJson(QJsonDocument::Compact)));
}

void WsClient::sendRaw(const QString &text)
{
    m_socket.sendTextMessage(text);
}

QJsonObject WsClient::next(int timeoutMs)
{
    if (!QTest::qWaitFor([this] { return m_messages.size() > m_read; }, timeoutMs))
        return {};
    return m_messages.at(m_read++);
}

QJsonObject WsClient::waitFor(const QString &type, int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        const QJsonObject m = next(int(qMax<qint64>(1, deadline.remainingTime())));
        if (m.value(QStringLiteral("type")).toString() == type)
            return m;
    }
    return {};
}

bool WsClient::roundTrip(int timeoutMs)
{
    const int id = ++m_nextPing;
    send({{QStringLiteral("type"), QStringLiteral("ping")}, {QStringLiteral("id"), id}});
    return QTest::qWaitFor(
        [this, id] {
            for (qsizetype i = m_messages.size() - 1; i >= 0; --i) {
                const QJsonObject &m = m_messages.at(i);
                if (m.value(QStringLiteral("type")) == QJsonValue(QStringLiteral("pong")) &&
                    m.value(QStringLiteral("id")).toInt() == id)
                    return true;
            }
            return false;
        },
        timeoutMs);
}

bool WsClient::authenticate(const QByteArray &token)
{
    send({{QStringLiteral("type"), QStringLiteral("auth")},
          {QStringLiteral("token"), QString::fromLatin1(token)}});
    for (;;) {
        const QJsonObject m = next();
        if (m.isEmpty())
            return false;
        const QString type = m.value(QStringLiteral("type")).toString();
        if (type == u"error")
            return false;
        if (type == u"welcome" && m.value(QStringLiteral("authenticated")).toBool())
            return true;
    }
}

bool WsClient::subscribe(const QString &channel, const QString &deployment)
{
    QJsonObject m{{QStringLiteral("type"), QStringLiteral("subscribe")},
                  {QStringLiteral("channel"), channel}};
    if (!deployment.isEmpty())
        m.insert(QStringLiteral("deployment"), deployment);
    send(m);
    for (;;) {
        const QJsonObject r = next();
        const QString type = r.value(QStringLiteral("type")).toString();
        if (r.isEmpty() || type == u"error")
            return false;
        if (type == u"subscribed")
            return r.value(QStringLiteral("channel")).toString() == channel;
    }
}

bool WsClient::waitClosed(int timeoutMs)
{
    return QTest::qWaitFor([this] { return m_socket.state() == QAbstractSocket::UnconnectedState; },
                           timeoutMs);
}

QList<QJsonObject> WsClient::messagesOfType(const QString &type) const
{
    QList<QJsonObject> out;
    for (const QJsonObject &m : m_messages) {
        if (m.value(QStringLiteral("type")).toString() == type)
            out.append(m);
    }
    return out;
}

SlowClient::~SlowClient()
{
    if (m_fd >= 0)
        ::close(m_fd);
}

bool SlowClient::connectTo(quint16 port, int receiveBuffer)
{
    m_fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (m_fd < 0)
        return false;
    // Before connect(), so the advertised window stays small.
    ::setsockopt(m_fd, SOL_SOCKET, SO_RCVBUF, &receiveBuffer, sizeof receiveBuffer);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(port);
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    return ::connect(m_fd, reinterpret_cast<sockaddr *>(&address), sizeof address) == 0;
}

bool SlowClient::fill(int timeoutMs)
{
    pollfd p{m_fd, POLLIN, 0};
    if (::poll(&p, 1, timeoutMs) <= 0)
        return false;
    char buffer[16384];
    const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
    if (n <= 0)
        return false;
    m_in.append(buffer, qsizetype(n));
    return true;
}

bool SlowClient::handshake(const QByteArray &pathAndQuery)
{
    const QByteArray request = upgradeRequest(pathAndQuery);
    if (::send(m_fd, request.constData(), size_t(request.size()), MSG_NOSIGNAL) !=
        ssize_t(request.size()))
        return false;
    QDeadlineTimer deadline(5000);
    qsizetype end;
    while ((end = m_in.indexOf("\r\n\r\n")) < 0) {
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            return false;
    }
    const bool ok = m_in.startsWith("HTTP/1.1 101");
    m_in.remove(0, end + 4);
    return ok;
}

void SlowClient::sendText(const QByteArray &payload)
{
    QByteArray frame;
    frame.append(char(0x81)); // FIN, text
    const qsizetype n = payload.size();
    if (n < 126) {
        frame.append(char(0x80 | n));
    } else {
        Q_ASSERT(n < 65536);
        frame.append(char(0x80 | 126));
        frame.append(char((n >> 8) & 0xff));
        frame.append(char(n & 0xff));
    }
    const quint32 mask = QRandomGenerator::global()->generate();
    const char key[4] = {char(mask >> 24), char(mask >> 16), char(mask >> 8), char(mask)};
    frame.append(key, 4);
    for (qsizetype i = 0; i < n; ++i)
        frame.append(char(payload.at(i) ^ key[i % 4]));
    ::send(m_fd, frame.constData(), size_t(frame.size()), MSG_NOSIGNAL);
}

void SlowClient::sendJson(const QJsonObject &message)
{
    sendText(QJsonDocument(message).toJson(QJsonDocument::Compact));
}

std::optional<QJsonObject> SlowClient::readMessage(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    for (;;) {
        if (m_in.size() >= 2) {
            const auto opcode = quint8(m_in.at(0)) & 0x0f;
            quint64 length = quint8(m_in.at(1)) & 0x7f;
            qsizetype header = 2;
            if (length == 126 && m_in.size() >= 4) {
                length = (quint64(quint8(m_in.at(2))) << 8) | quint8(m_in.at(3));
                header = 4;
            } else if (length == 127 && m_in.size() >= 10) {
                length = 0;
                for (int i = 2; i < 10; ++i)
                    length = (length << 8) | quint8(m_in.at(i));
                header = 10;
            } else if (length >= 126) {
                header = -1; // the extended length has not arrived yet
            }
            if (header > 0 && quint64(m_in.size()) >= header + length) {
                const QByteArray payload = m_in.mid(header, qsizetype(length));
                m_in.remove(0, header + qsizetype(length));
                if (opcode == 0x8) {
                    const int code = payload.size() >= 2
                                         ? (quint8(payload.at(0)) << 8) | quint8(payload.at(1))
                                         : 1005;
                    return QJsonObject{{QStringLiteral("type"), QStringLiteral("close")},
                                       {QStringLiteral("code"), code}};
                }
                if (opcode == 0x1)
                    return QJsonDocument::fromJson(payload).object();
                continue; // ping/pong/binary: not used here
            }
        }
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            return std::nullopt;
    }
}

bool SlowClient::waitForServerClose(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    char buffer[65536];
    while (!deadline.hasExpired()) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, int(qMax<qint64>(1, deadline.remainingTime()))) <= 0)
            continue;
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n == 0 || (n < 0 && errno != EINTR && errno != EAGAIN))
            return true;
    }
    return false;
}

bool SlowClient::sendBytes(const QByteArray &bytes)
{
    return ::send(m_fd, bytes.constData(), size_t(bytes.size()), MSG_NOSIGNAL) ==
           ssize_t(bytes.size());
}

bool SlowClient::waitReadable(int timeoutMs)
{
    pollfd p{m_fd, POLLIN, 0};
    return ::poll(&p, 1, timeoutMs) > 0;
}

QByteArray SlowClient::readAll(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        pollfd p{m_fd, POLLIN, 0};
        if (::poll(&p, 1, int(qMax<qint64>(1, deadline.remainingTime()))) <= 0)
            continue;
        char buffer[16384];
        const ssize_t n = ::recv(m_fd, buffer, sizeof buffer, 0);
        if (n <= 0)
            break;
        m_in.append(buffer, qsizetype(n));
    }
    QByteArray out;
    out.swap(m_in);
    return out;
}

QByteArray upgradeRequest(const QByteArray &pathAndQuery, const QByteArray &extraHeaders,
                          const QByteArray &host, const QByteArray &key, const QByteArray &version)
{
    QByteArray r = "GET " + pathAndQuery + " HTTP/1.1\r\nHost: " + host +
                   "\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n";
    if (!key.isEmpty())
        r += "Sec-WebSocket-Key: " + key + "\r\n";
    if (!version.isEmpty())
        r += "Sec-WebSocket-Version: " + version + "\r\n";
    return r + extraHeaders + "\r\n";
}

QByteArray acceptFor(const QByteArray &key)
{
    const QByteArray input = key + "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";
    return QCryptographicHash::hash(input, QCryptographicHash::Sha1).toBase64();
}
