#pragma once

#include "http/Stage.h"

#include <QSet>
#include <QStringList>

namespace cr {

// CORS and Origin checks. Allowed origins come from the configuration (none by default).
// An allowed Origin is echoed with the exposed headers; a disallowed one gets no CORS headers
// (a disallowed preflight is a bare 204), and is refused with 403 for state-changing methods
// and WebSocket upgrades (cross-site request forgery, cross-site WebSocket hijacking).
// "null" is never allowed; no credentials header is ever sent (bearer tokens, no cookies).
class CorsStage final : public Stage
{
public:
    explicit CorsStage(const QStringList &allowedOrigins);
    const char *name() const override { return "cors"; }
    std::optional<HttpResponse> run(RequestContext &ctx) const override;

    bool isAllowed(const QByteArray &origin) const;

private:
    QSet<QByteArray> m_origins;
};

} // namespace cr
