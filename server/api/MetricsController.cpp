#include "api/MetricsController.h"

#include "core/Logging.h"
#include "core/Settings.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "telemetry/MetricsCollector.h"

#include <QCryptographicHash>

namespace cr {

MetricsController::Access MetricsController::accessFrom(const Settings &settings)
{
    Access access;
    access.token = settings.metricsToken.toUtf8();
    for (const QString &entry : settings.metricsAllowFrom) {
        const QString e = entry.trimmed();
        if (e == u"none" || e.isEmpty())
            continue;
        if (e == u"loopback") {
            if (!settings.trustedProxies.isEmpty())
                continue; // behind a same-host proxy every peer is loopback
            access.allowed.append({QHostAddress(QHostAddress::LocalHost), 8});
            access.allowed.append({QHostAddress(QHostAddress::LocalHostIPv6), 128});
            continue;
        }
        QPair<QHostAddress, int> subnet = QHostAddress::parseSubnet(e);
        if (subnet.first.isNull()) {
            const QHostAddress single(e);
            if (single.isNull()) {
                qCWarning(lcHttp) << "metricsAllowFrom: ignoring" << e
                                  << "(not an address or CIDR)";
                continue;
            }
            subnet = {single, single.protocol() == QAbstractSocket::IPv6Protocol ? 128 : 32};
        }
        access.allowed.append(subnet);
    }
    return access;
}

bool MetricsController::addressAllowed(const Access &access, const QHostAddress &address)
{
    if (address.isNull())
        return false;
    bool ok = false;
    const QHostAddress v4(address.toIPv4Address(&ok)); // IPv4-mapped IPv6 → IPv4
    const QHostAddress &a = ok ? v4 : address;
    for (const auto &subnet : access.allowed) {
        if (a.isInSubnet(subnet))
            return true;
    }
    return false;
}

bool MetricsController::tokenMatches(const QByteArray &expected, const QByteArray &presented)
{
    if (expected.isEmpty())
        return false;
    // Equal-length digests compared without an early exit: neither the length nor a matching
    // prefix of the token shows in the time taken.
    const QByteArray a = QCryptographicHash::hash(expected, QCryptographicHash::Sha256);
    const QByteArray b = QCryptographicHash::hash(presented, QCryptographicHash::Sha256);
    unsigned char diff = 0;
    for (qsizetype i = 0; i < a.size(); ++i)
        diff |= static_cast<unsigned char>(a[i] ^ b[i]);
    return diff == 0;
}

void MetricsController::registerRoutes(Router &router) const
{
    std::shared_ptr<const MetricsCollector> collector = m_collector;
    const Access access = m_access;
    router.add(Route{
        Method::Get, QStringLiteral("/metrics"), Role::Anonymous,
        [collector, access](RequestContext &ctx, Reply reply) {
            bool allowed = ctx.principal.role >= Role::Operator;
            if (!allowed && !access.token.isEmpty()) {
                const QByteArray header = ctx.request->header("authorization");
                if (header.size() > 7 && qstrnicmp(header.constData(), "bearer ", 7) == 0)
                    allowed = tokenMatches(access.token, header.mid(7).trimmed());
            }
            if (!allowed) {
                const QHostAddress client =
                    ctx.clientAddress.isNull() ? ctx.request->peer : ctx.clientAddress;
                allowed = addressAllowed(access, client);
            }
            if (!allowed) {
                if (ctx.principal.isAuthenticated())
                    return reply.fail(Error::make(ErrorCode::Forbidden,
                                                  QStringLiteral("Insufficient permissions")));
                return reply.fail(Error::make(ErrorCode::Unauthorized,
                                              QStringLiteral("Missing or invalid credentials")));
            }
            HttpResponse response;
            response.contentType = QByteArray(MetricsCollector::kContentType);
            response.body = collector->exposition();
            response.addHeader("Cache-Control", "no-store");
            reply.send(std::move(response));
        },
        BodyKind::None, -1, false,
        QStringLiteral("Prometheus metrics (operator/admin token, metrics token or allow-listed "
                       "address)")});
}

} // namespace cr
