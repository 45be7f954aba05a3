#include "http/stages/JsonBodyStage.h"

#include <QJsonDocument>

namespace cr {

std::optional<HttpResponse> JsonBodyStage::run(RequestContext &ctx) const
{
    if (ctx.route->body != BodyKind::Json)
        return std::nullopt;
    const HttpRequest &r = *ctx.request;
    if (r.body.isEmpty()) {
        ctx.json = QJsonObject();
        return std::nullopt;
    }
    const QByteArray type = r.header("content-type").trimmed().toLower();
    const qsizetype semicolon = type.indexOf(';');
    const QByteArray mediaType = (semicolon < 0 ? type : type.left(semicolon)).trimmed();
    if (mediaType != "application/json")
        return ctx.errorResponse(
            Error::make(ErrorCode::UnsupportedMediaType,
                        QStringLiteral("Content-Type must be application/json")));
    if (std::optional<Error> tooBig = m_limits.check(r.body))
        return ctx.errorResponse(*tooBig);
    QJsonParseError parseError;
    const QJsonDocument doc = QJsonDocument::fromJson(r.body, &parseError);
    if (parseError.error != QJsonParseError::NoError) {
        // Qt 6.4 refuses scalar documents ("42", "\"x\""), which are valid JSON (RFC 8259)
        // that is simply not an object: inside an array they parse.
        QJsonParseError wrapped;
        QJsonDocument::fromJson('[' + r.body + ']', &wrapped);
        if (wrapped.error == QJsonParseError::NoError)
            return ctx.errorResponse(Error::make(
                ErrorCode::ValidationError, QStringLiteral("Request body must be a JSON object")));
        return ctx.errorResponse(
            Error::make(ErrorCode::InvalidJson, QStringLiteral("Request body is not valid JSON")));
    }
    if (!doc.isObject())
        return ctx.errorResponse(Error::make(ErrorCode::ValidationError,
                                             QStringLiteral("Request body must be a JSON object")));
    ctx.json = doc.object();
    return std::nullopt;
}

} // namespace cr
