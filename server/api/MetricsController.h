#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>

#include <memory>

namespace cr {

class MetricsCollector;
class Router;
struct Settings;

// GET /metrics: the Prometheus text exposition (CONTRACT §2). Readable with an operator/admin
// token, with the configured metrics token (Authorization: Bearer, compared in constant time),
// or from an address in the metrics allow-list ("loopback" counts only while no trusted proxy
// is configured: behind a same-host proxy every peer is loopback); otherwise 401 (no or wrong
// credentials) or 403 (a token of a lower role).
class MetricsController
{
public:
    struct Access
    {
        QByteArray token;                        // empty: no metrics token
        QList<QPair<QHostAddress, int>> allowed; // subnets
    };

    MetricsController(std::shared_ptr<const MetricsCollector> collector, Access access)
        : m_collector(std::move(collector))
        , m_access(std::move(access))
    {}
    void registerRoutes(Router &router) const;

    // The access rule from the settings (metricsToken, metricsAllowFrom, trustedProxies).
    static Access accessFrom(const Settings &settings);
    static bool addressAllowed(const Access &access, const QHostAddress &address);
    static bool tokenMatches(const QByteArray &expected, const QByteArray &presented);

private:
    std::shared_ptr<const MetricsCollector> m_collector;
    Access m_access;
};

} // namespace cr
