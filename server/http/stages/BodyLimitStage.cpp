#include "http/stages/BodyLimitStage.h"

namespace cr {

std::optional<HttpResponse> BodyLimitStage::run(RequestContext &ctx) const
{
    ctx.maxBodyBytes = ctx.route->maxBodyBytes >= 0 ? ctx.route->maxBodyBytes : m_default;
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
