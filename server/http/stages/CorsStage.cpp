#include "http/stages/CorsStage.h"

namespace cr {

CorsStage::CorsStage(const QStringList &allowedOrigins)
{
    for (const QString &o : allowedOrigins) {
        QByteArray origin = o.trimmed().toLower().toLatin1();
        while (origin.endsWith('/'))
            origin.chop(1);
        if (!origin.isEmpty() && origin != "null")
            m_origins.insert(origin);
    }
}

bool CorsStage::isAllowed(const QByteArray &origin) const
{
    return !origin.isEmpty() && origin != "null" && m_origins.contains(origin.toLower());
}

std::optional<HttpResponse> CorsStage::run(RequestContext &ctx) const
{
    const HttpRequest &r = *ctx.request;
    const QByteArray origin = r.header("origin");
    if (origin.isNull())
        return std::nullopt;
    const bool allowed = isAllowed(origin);
    if (allowed)
        ctx.corsOrigin = origin;

    const bool preflight =
        r.method == Method::Options && !r.header("access-control-request-method").isNull();
    if (preflight) {
        HttpResponse response;
        response.status = 204;
        response.contentType.clear();
        if (allowed) {
            response.addHeader("Access-Control-Allow-Methods",
                               "GET, HEAD, POST, PUT, PATCH, DELETE, OPTIONS");
            response.addHeader("Access-Control-Allow-Headers",
                               "Authorization, Content-Type, X-Request-Id");
            response.addHeader("Access-Control-Max-Age", "600");
        }
        return response;
    }
    const bool safe =
        r.method == Method::Get || r.method == Method::Head || r.method == Method::Options;
    if (!allowed && (!safe || r.upgrade))
        return ctx.errorResponse(
            Error::make(ErrorCode::OriginNotAllowed, QStringLiteral("Origin not allowed")));
    return std::nullopt;
}

} // namespace cr
