#include "http/RequestPipeline.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/Settings.h"
#include "http/Router.h"
#include "http/stages/AuthenticateStage.h"
#include "http/stages/AuthorizeStage.h"
#include "http/stages/BodyLimitStage.h"
#include "http/stages/CorsStage.h"
#include "http/stages/HostCheckStage.h"
#include "http/stages/IpRateLimitStage.h"
#include "http/stages/JsonBodyStage.h"
#include "http/stages/PrincipalRateLimitStage.h"
#include "http/stages/RequestIdStage.h"
#include "http/stages/RouteStage.h"
#include "protect/JsonLimits.h"

#include <exception>

namespace cr {

RequestPipeline::RequestPipeline(const Settings &settings, const Router &router,
                                 const Authenticator *authenticator, const ResponseWriter &writer,
                                 RateLimiter *limiter)
    : m_writer(writer)
    , m_limiter(limiter)
{
    // THE ORDER OF STAGES. Security headers are not a stage: ResponseWriter puts them on every
    // response, including the ones the connection makes itself (400, 408, 413, 414, 431, 503).
    m_head.push_back(std::make_unique<RequestIdStage>());
    m_head.push_back(std::make_unique<HostCheckStage>(settings.bind, settings.publicHosts));
    m_head.push_back(std::make_unique<CorsStage>(settings.corsOrigins));
    m_head.push_back(std::make_unique<IpRateLimitStage>(limiter));
    m_head.push_back(std::make_unique<RouteStage>(router));
    m_head.push_back(std::make_unique<AuthenticateStage>(authenticator));
    m_head.push_back(std::make_unique<PrincipalRateLimitStage>(limiter));
    m_head.push_back(std::make_unique<AuthorizeStage>());
    m_head.push_back(std::make_unique<BodyLimitStage>(settings.maxBodyBytes));

    JsonLimits limits;
    limits.maxDepth = settings.jsonMaxDepth;
    limits.maxKeys = settings.jsonMaxKeys;
    limits.maxStringBytes = settings.jsonMaxStringBytes;
    m_body.push_back(std::make_unique<JsonBodyStage>(limits));
}

RequestPipeline::~RequestPipeline() = default;

QStringList RequestPipeline::stageNames() const
{
    QStringList names;
    for (const auto &s : m_head)
        names << QString::fromLatin1(s->name());
    for (const auto &s : m_body)
        names << QString::fromLatin1(s->name());
    return names;
}

void RequestPipeline::begin(RequestContext &ctx, HttpRequest &request) const
{
    ctx = RequestContext();
    ctx.request = &request;
    ctx.writer = &m_writer;
    ctx.clock = &m_writer.clock();
    ctx.startedMs = ctx.clock->monotonicMs();
}

std::optional<HttpResponse> RequestPipeline::runHead(RequestContext &ctx) const
{
    for (const auto &stage : m_head) {
        if (std::optional<HttpResponse> early = stage->run(ctx)) {
            // A request with credentials refused by routing (unknown path, wrong method) was
            // never counted: count it as anonymous, so such floods cannot pass by adding a
            // made-up token.
            const bool unrouted = early->status == 404 || early->status == 405;
            if (unrouted && !ctx.route && !ctx.anonymousCharged) {
                if (std::optional<HttpResponse> limited =
                        PrincipalRateLimitStage::chargeAnonymous(m_limiter, ctx))
                    return limited;
            }
            return early;
        }
    }
    return std::nullopt;
}

std::optional<HttpResponse> RequestPipeline::runBody(RequestContext &ctx) const
{
    for (const auto &stage : m_body) {
        if (std::optional<HttpResponse> early = stage->run(ctx))
            return early;
    }
    return std::nullopt;
}

void RequestPipeline::dispatch(RequestContext &ctx, const Reply &reply) const
{
    try {
        ctx.route->handler(ctx, reply);
    } catch (const std::exception &e) {
        qCWarning(lcHttp) << "handler for" << ctx.route->pattern << "threw:" << e.what();
        reply.fail(Error::make(ErrorCode::Internal, QStringLiteral("Internal error")));
    }
}

RequestPipeline::Exchange RequestPipeline::handle(HttpRequest request) const
{
    RequestContext ctx;
    begin(ctx, request);
    Exchange ex;
    std::optional<HttpResponse> early = runHead(ctx);
    if (!early && ctx.request->body.size() > ctx.maxBodyBytes)
        early = ctx.errorResponse(
            Error::make(ErrorCode::PayloadTooLarge, QStringLiteral("Request body too large")));
    if (!early)
        early = runBody(ctx);
    if (early) {
        ex.response = std::move(*early);
    } else {
        bool done = false;
        dispatch(ctx, Reply([&](HttpResponse r) { ex.response = std::move(r), done = true; },
                            &m_writer, ctx.requestId));
        Q_ASSERT_X(done, "RequestPipeline::handle", "in-process handlers must answer at once");
    }
    ex.info.requestId = ctx.requestId;
    ex.info.corsOrigin = ctx.corsOrigin;
    ex.info.headRequest = request.method == Method::Head;
    ex.info.extraHeaders = &ctx.responseHeaders;
    ex.wire = m_writer.serialize(ex.response, ex.info);
    ex.info.extraHeaders = nullptr;
    return ex;
}

} // namespace cr
