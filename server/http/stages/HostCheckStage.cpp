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
    // Allocation-free: this runs on every request.
    QByteArrayView host = QByteArrayView(hostHeader).trimmed();
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
        const QByteArrayView port = host.sliced(colon + 1);
        if (port.isEmpty() || port.size() > 5)
            return false;
        int n = 0;
        for (const char c : port) {
            if (c < '0' || c > '9')
                return false;
            n = n * 10 + (c - '0');
        }
        if (n < 1 || n > 65535)
            return false;
        host = host.first(colon);
    }
    for (const QByteArray &allowed : m_hosts) {
        if (allowed.size() == host.size() &&
            qstrnicmp(allowed.constData(), host.data(), size_t(host.size())) == 0)
            return true;
    }
    return false;
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
