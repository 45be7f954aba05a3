#include "api/ApiKeyController.h"

#include "api/RequestInput.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "identity/ApiKeyService.h"
#include "identity/Identity.h"
#include "identity/JsonTime.h"
#include "identity/SessionService.h"

namespace cr {

void ApiKeyController::registerRoutes(Router &router) const
{
    Identity *identity = &m_identity;

    router.add(RequestInput::authRoute(
        Method::Get, "/api/auth/api-keys", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            const Result<PageRequest> page = RequestInput::pageOf(ctx);
            if (!page)
                return reply.fail(page.error());
            identity->apiKeys().list(
                RequestInput::callerOf(ctx), page.value(), [reply](Result<Page<ApiKey>> p) {
                    if (!p)
                        return reply.fail(p.error());
                    reply.ok(
                        p.value().toJson("apiKeys", [](const ApiKey &k) { return k.toJson(); }));
                });
        },
        "Your API keys"));

    router.add(RequestInput::authRoute(
        Method::Post, "/api/auth/api-keys", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            const Caller caller = RequestInput::callerOf(ctx);
            if (auto refusal = SessionService::refuseApiKey(caller))
                return reply.fail(*refusal);
            QList<FieldError> errors;
            ApiKeyService::Request request;
            request.name = RequestInput::requiredString(ctx.json, "name", errors);
            request.role = RequestInput::optionalRole(ctx.json, errors);
            if (const auto expires =
                    RequestInput::optionalString(ctx.json, QStringLiteral("expiresAt"), errors)) {
                const std::optional<qint64> at = JsonTime::parse(*expires);
                if (!at)
                    errors.append({QStringLiteral("expiresAt"),
                                   QStringLiteral("must be an ISO-8601 date-time with a zone")});
                request.expiresAtMs = at.value_or(0);
            }
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            identity->apiKeys().create(caller, request, [reply](Result<ApiKeyService::Created> c) {
                if (!c)
                    return reply.fail(c.error());
                reply.ok(
                    QJsonObject{{QStringLiteral("apiKey"), c.value().key.toJson()},
                                {QStringLiteral("key"), QString::fromLatin1(c.value().secret)}},
                    201);
            });
        },
        "Create an API key (the key is shown once)", BodyKind::Json));

    router.add(RequestInput::authRoute(
        Method::Get, "/api/auth/api-keys/:id<uuid>", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->apiKeys().get(
                RequestInput::callerOf(ctx), ctx.params.value(QStringLiteral("id")),
                [reply](Result<ApiKey> k) {
                    if (!k)
                        return reply.fail(k.error());
                    reply.ok(QJsonObject{{QStringLiteral("apiKey"), k.value().toJson()}});
                });
        },
        "One of your API keys"));

    router.add(RequestInput::authRoute(
        Method::Delete, "/api/auth/api-keys/:id<uuid>", Role::Viewer,
        [identity](RequestContext &ctx, Reply reply) {
            identity->apiKeys().revoke(RequestInput::callerOf(ctx),
                                       ctx.params.value(QStringLiteral("id")),
                                       [reply](Result<bool> r) { reply.done(r); });
        },
        "Revoke one of your API keys"));
}

} // namespace cr
