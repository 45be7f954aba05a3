#include "http/stages/BodyLimitStage.h"

namespace cr {

std::optional<HttpResponse> BodyLimitStage::run(RequestContext &ctx) const
{
    // A route's own limit wins; a route that takes no body (BodyKind::None) accepts only an
    // empty one (Route.h), so a body sent to it is refused instead of being read and ignored.
    if (ctx.route->maxBodyBytes >= 0)
        ctx.maxBodyBytes = ctx.route->maxBodyBytes;
    else
        ctx.maxBodyBytes = ctx.route->body == BodyKind::None ? 0 : m_default;
    const QByteArray declared = ctx.request->header("content-length");
    if (!declared.isNull()) {
        bool ok = false;
        const qint64 length = declared.toLongLong(&ok);
        if (!ok || length > ctx.maxBodyBytes)
            return ctx.errorResponse(
                Error::make(ErrorCode::PayloadTooLarge, QStringLiteral("Request body too large")));
    }
    return std::nullopt;
}

} // namespace cr
