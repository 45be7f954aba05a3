#include "http/stages/AuthenticateStage.h"

namespace cr {

std::optional<HttpResponse> AuthenticateStage::run(RequestContext &ctx) const
{
    if (ctx.webSocketUpgrade)
        return std::nullopt; // WebSockets authenticate in-band (CONTRACT §9)
    const QByteArray header = ctx.request->header("authorization");
    if (header.isNull())
        return std::nullopt;
    const Error invalid =
        Error::make(ErrorCode::Unauthorized, QStringLiteral("Missing or invalid credentials"));
    // A refusal is not answered here: the per-principal rate limit counts failed credentials
    // against the client's anonymous allowance first, then the authorize stage answers 401.
    if (header.size() < 8 || qstrnicmp(header.constData(), "bearer ", 7) != 0) {
        ctx.authError = invalid;
        return std::nullopt;
    }
    const QByteArray credential = header.mid(7).trimmed();
    if (credential.isEmpty() || !m_authenticator) {
        ctx.authError = invalid;
        return std::nullopt;
    }
    Result<Principal> principal = m_authenticator->authenticate(credential);
    if (!principal) {
        // A route anyone may call is not refused for a stale or wrong token: v2 clients send
        // their old access token along with a refresh, a login or a health probe.
        if (ctx.route->minRole != Role::Anonymous)
            ctx.authError = principal.error();
        return std::nullopt;
    }
    ctx.principal = principal.value();
    return std::nullopt;
}

} // namespace cr
