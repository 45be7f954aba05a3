#include "http/stages/RequestIdStage.h"

#include "http/RequestIds.h"

namespace cr {

std::optional<HttpResponse> RequestIdStage::run(RequestContext &ctx) const
{
    const QByteArray incoming = ctx.request->header("x-request-id");
    ctx.requestId = RequestIds::isAcceptable(incoming) ? incoming : RequestIds::next();
    return std::nullopt;
}

} // namespace cr
