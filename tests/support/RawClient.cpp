#include "RawClient.h"

#include <QDeadlineTimer>
#include <QJsonDocument>

RawClient::RawClient(quint16 port)
{
    m_socket.connectToHost(QStringLiteral("127.0.0.1"), port);
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

std::optional<RawClient::Response> RawClient::read(int timeoutMs, bool headRequest)
{
    QDeadlineTimer deadline(timeoutMs);
    qsizetype end;
    while ((end = m_buffer.indexOf("\r\n\r\n")) < 0) {
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            return std::nullopt;
    }
    Response r;
    const QList<QByteArray> lines = m_buffer.left(end).split('\n');
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
    m_buffer.remove(0, end + 4);
    const qsizetype length = headRequest ? 0 : r.headers.value("content-length").toLongLong();
    while (m_buffer.size() < length) {
        if (deadline.hasExpired() || !fill(int(qMax<qint64>(1, deadline.remainingTime()))))
            return std::nullopt;
    }
    r.body = m_buffer.left(length);
    m_buffer.remove(0, length);
    return r;
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
