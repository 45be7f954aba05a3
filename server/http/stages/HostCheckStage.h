#pragma once

#include "http/Stage.h"

#include <QList>
#include <QStringList>

namespace cr {

// Refuses requests whose Host is not one of ours (DNS rebinding): localhost, 127.0.0.1, [::1],
// the bind address (every local address when bound to a wildcard) and the configured public
// host names, with or without a port.
class HostCheckStage final : public Stage
{
public:
    HostCheckStage(const QString &bindAddress, const QStringList &publicHosts);
    const char *name() const override { return "host-check"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

    bool isAllowed(const QByteArray &hostHeader) const;

private:
    QList<QByteArray> m_hosts; // lower case; IPv6 literals in brackets; a handful
};

} // namespace cr
