#include "http/stages/HostCheckStage.h"

#include <QHostAddress>
#include <QNetworkInterface>

namespace cr {
namespace {

QByteArray hostForm(const QHostAddress &address)
{
    if (address.protocol() == QAbstractSocket::IPv6Protocol)
        return '[' + address.toString().toLatin1().toLower() + ']';
    return address.toString().toLatin1();
}

} // namespace

HostCheckStage::HostCheckStage(const QString &bindAddress, const QStringList &publicHosts)
{
    m_hosts << "localhost"
            << "127.0.0.1"
            << "[::1]";
    const QHostAddress bind(bindAddress);
    if (bind == QHostAddress::AnyIPv4 || bind == QHostAddress::AnyIPv6 ||
        bind == QHostAddress::Any) {
        const QList<QHostAddress> all = QNetworkInterface::allAddresses();
        for (const QHostAddress &a : all) {
            QHostAddress plain = a;
            plain.setScopeId(QString());
            m_hosts << hostForm(plain);
        }
    } else if (!bind.isNull()) {
        m_hosts << hostForm(bind);
    }
    for (const QString &h : publicHosts)
        m_hosts << h.trimmed().toLower().toLatin1();
}

bool HostCheckStage::isAllowed(const QByteArray &hostHeader) const
{
    QByteArray host = hostHeader.trimmed().toLower();
    // Strip a port: after the closing bracket of an IPv6 literal, or after the only colon.
    qsizetype colon = -1;
    if (host.startsWith('[')) {
        const qsizetype close = host.indexOf(']');
        if (close < 0)
            return false;
        if (close + 1 < host.size()) {
            if (host.at(close + 1) != ':')
                return false;
            colon = close + 1;
        }
    } else {
        colon = host.indexOf(':');
    }
    if (colon >= 0) {
        const QByteArray port = host.mid(colon + 1);
        bool ok = false;
        const int n = port.toInt(&ok);
        if (!ok || n < 1 || n > 65535 || port.startsWith('+') || port.startsWith('-'))
            return false;
        host.truncate(colon);
    }
    return m_hosts.contains(host);
}

std::optional<HttpResponse> HostCheckStage::run(RequestContext &ctx) const
{
    const QByteArray host = ctx.request->header("host");
    // HTTP/1.0 may omit Host; the parser already requires exactly one on HTTP/1.1.
    if (host.isNull() && ctx.request->versionMinor == 0)
        return std::nullopt;
    if (isAllowed(host))
        return std::nullopt;
    return ctx.errorResponse(
        Error::make(ErrorCode::HostNotAllowed, QStringLiteral("Host not allowed")));
}

} // namespace cr
