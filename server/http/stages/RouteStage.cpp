#include "http/stages/RouteStage.h"

namespace cr {

std::optional<HttpResponse> RouteStage::run(RequestContext &ctx) const
{
    const HttpRequest &r = *ctx.request;
    Router::Match m = m_router.match(r.method, r.path);
    switch (m.kind) {
    case Router::Match::Kind::NotFound:
        return ctx.errorResponse(Error::make(
            ErrorCode::NotFound, QStringLiteral("The requested resource was not found")));
    case Router::Match::Kind::MethodNotAllowed: {
        if (r.method == Method::Options) {
            HttpResponse response;
            response.status = 204;
            response.contentType.clear();
            response.addHeader("Allow", m.allow);
            return response;
        }
        HttpResponse response = ctx.errorResponse(Error::make(
            ErrorCode::MethodNotAllowed, QStringLiteral("Method not allowed for this resource")));
        response.addHeader("Allow", m.allow);
        return response;
    }
    case Router::Match::Kind::Found:
        break;
    }
    ctx.route = m.route;
    ctx.params = std::move(m.params);
    ctx.badParameter = m.badParameter;
    if (m.route->webSocket) {
        const bool websocket = r.upgrade && r.header("upgrade").toLower() == "websocket";
        if (!websocket)
            return ctx.errorResponse(Error::make(
                ErrorCode::BadRequest, QStringLiteral("This endpoint needs a WebSocket upgrade")));
        ctx.webSocketUpgrade = true;
    }
    return std::nullopt;
}

} // namespace cr
