#include "api/RequestInput.h"

#include "http/RequestContext.h"
#include "identity/IdentityOptions.h"
#include "identity/User.h"

namespace cr {

namespace {
constexpr qint64 kAuthBodyBytes = 64 * 1024;
}

Caller RequestInput::callerOf(const RequestContext &ctx)
{
    Caller c;
    c.principal = ctx.principal;
    c.ip = (ctx.clientAddress.isNull() ? ctx.request->peer : ctx.clientAddress).toString();
    c.device = QString::fromUtf8(ctx.request->header("user-agent"))
                   .left(IdentityOptions::kMaxDeviceLength);
    return c;
}

Error RequestInput::invalid(QList<FieldError> fields)
{
    Error e = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
    e.fields = std::move(fields);
    return e;
}

Result<PageRequest> RequestInput::pageOf(const RequestContext &ctx)
{
    PageRequest p;
    QList<FieldError> errors;
    const auto number = [&](const char *name, int min, int max, int fallback) {
        const QString text = ctx.request->queryValue(QString::fromLatin1(name));
        if (text.isEmpty())
            return fallback;
        bool ok = false;
        const int v = text.toInt(&ok);
        if (!ok || v < min || v > max) {
            errors.append(
                {QString::fromLatin1(name),
                 QStringLiteral("must be a whole number from %1 to %2").arg(min).arg(max)});
            return fallback;
        }
        return v;
    };
    p.page = number("page", 1, 1000000, 1);
    p.limit = number("limit", 1, PageRequest::kMaxLimit, 20);
    p.search = ctx.request->queryValue(QStringLiteral("search")).trimmed();
    if (p.search.size() > 100)
        errors.append({QStringLiteral("search"), QStringLiteral("must be at most 100 characters")});
    if (!errors.isEmpty())
        return invalid(errors);
    return p;
}

QStringList RequestInput::privilegedFields(const QJsonObject &body)
{
    QStringList out;
    for (const char *name : {"id", "role", "plan", "disabled", "userId", "ownerId", "isAdmin"}) {
        if (body.contains(QLatin1String(name)))
            out << QString::fromLatin1(name);
    }
    return out;
}

std::optional<QString> RequestInput::optionalString(const QJsonObject &body, const QString &name,
                                                    QList<FieldError> &errors)
{
    const QJsonValue v = body.value(name);
    if (v.isUndefined() || v.isNull())
        return std::nullopt;
    if (!v.isString()) {
        errors.append({name, QStringLiteral("must be a string")});
        return std::nullopt;
    }
    return v.toString();
}

std::optional<Role> RequestInput::optionalRole(const QJsonObject &body, QList<FieldError> &errors)
{
    const std::optional<QString> name = optionalString(body, QStringLiteral("role"), errors);
    if (!name)
        return std::nullopt;
    const std::optional<Role> role = User::roleFromName(*name);
    if (!role)
        errors.append({QStringLiteral("role"),
                       QStringLiteral("must be viewer, developer, operator or admin")});
    return role;
}

QString RequestInput::requiredString(const QJsonObject &body, const char *name,
                                     QList<FieldError> &errors)
{
    const QString key = QString::fromLatin1(name);
    const QJsonValue v = body.value(key);
    if (!v.isString() || v.toString().isEmpty()) {
        errors.append({key, v.isUndefined() || v.isNull() || v.isString()
                                ? QStringLiteral("is required")
                                : QStringLiteral("must be a string")});
        return {};
    }
    return v.toString();
}

Route RequestInput::authRoute(Method method, const char *pattern, Role minRole, Handler handler,
                              const char *summary, BodyKind body)
{
    return Route{method,  QString::fromLatin1(pattern),
                 minRole, std::move(handler),
                 body,    body == BodyKind::Json ? kAuthBodyBytes : -1,
                 false,   QString::fromUtf8(summary)};
}

} // namespace cr
