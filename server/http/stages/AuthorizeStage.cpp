#include "http/stages/AuthorizeStage.h"

namespace cr {

std::optional<HttpResponse> AuthorizeStage::run(RequestContext &ctx) const
{
    if (ctx.authError)
        return ctx.errorResponse(*ctx.authError);
    if (ctx.principal.role < ctx.route->minRole) {
        if (!ctx.principal.isAuthenticated())
            return ctx.errorResponse(
                Error::make(ErrorCode::Unauthorized, QStringLiteral("Authentication required")));
        return ctx.errorResponse(
            Error::make(ErrorCode::Forbidden, QStringLiteral("Insufficient permissions")));
    }
    if (ctx.badParameter)
        return ctx.errorResponse(Error::make(
            ErrorCode::NotFound, QStringLiteral("The requested resource was not found")));
    return std::nullopt;
}

} // namespace cr
