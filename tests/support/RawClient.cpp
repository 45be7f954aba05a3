#include "RawClient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>

RawClient::RawClient(quint16 port)
    : RawClient(QHostAddress(QHostAddress::LocalHost), port)
{}

RawClient::RawClient(const QHostAddress &address, quint16 port)
{
    m_socket.connectToHost(address, port);
    m_socket.waitForConnected(5000);
}

bool RawClient::isConnected() const
{
    return m_socket.state() == QAbstractSocket::ConnectedState;
}

void RawClient::send(const QByteArray &bytes)
{
    m_socket.write(bytes);
    m_socket.waitForBytesWritten(5000);
}

bool RawClient::fill(int timeoutMs)
{
    if (!m_socket.waitForReadyRead(timeoutMs))
        return false;
    m_buffer += m_socket.readAll();
    return true;
}

std::optional<RawClient::Response> RawClient::takeResponse(QByteArray &buffer, bool headRequest)
{
    const qsizetype end = buffer.indexOf("\r\n\r\n");
    if (end < 0)
        return std::nullopt;
    Response r;
    const QList<QByteArray> lines = buffer.left(end).split('\n');
    const QList<QByteArray> statusLine = lines.value(0).trimmed().split(' ');
    r.status = statusLine.value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon <= 0)
            continue;
        const QByteArray name = line.left(colon).trimmed().toLower();
        const QByteArray value = line.mid(colon + 1).trimmed();
        r.headers[name] = r.headers.contains(name) ? r.headers[name] + ", " + value : value;
    }
    const qsizetype length = headRequest ? 0 : r.headers.value("content-length").toLongLong();
    if (buffer.size() < end + 4 + length)
        return std::nullopt;
    r.body = buffer.mid(end + 4, length);
    buffer.remove(0, end + 4 + length);
    return r;
}

std::optional<RawClient::Response> RawClient::read(int timeoutMs, bool headRequest)
{
    QDeadlineTimer deadline(timeoutMs);
    while (true) {
        if (std::optional<Response> r = takeResponse(m_buffer, headRequest))
            return r;
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            return std::nullopt;
    }
}

bool RawClient::waitForClose(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (m_socket.state() == QAbstractSocket::ConnectedState && !deadline.hasExpired()) {
        if (m_socket.waitForReadyRead(int(qMax<qint64>(1, deadline.remainingTime()))))
            m_buffer += m_socket.readAll();
    }
    return m_socket.state() != QAbstractSocket::ConnectedState;
}

QJsonObject RawClient::Response::json() const
{
    return QJsonDocument::fromJson(body).object();
}

std::optional<RawClient::Response> RawClient::get(quint16 port, const QByteArray &path,
                                                  const QByteArray &extraHeaders)
{
    RawClient c(port);
    c.send("GET " + path + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "\r\n");
    return c.read();
}
