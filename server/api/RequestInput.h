#pragma once

#include "core/Result.h"
#include "http/Route.h"
#include "identity/Caller.h"
#include "identity/Page.h"

#include <QJsonObject>
#include <QStringList>

#include <optional>

namespace cr {

struct RequestContext;

// What the API controllers read from a request the same way: the caller, paging, string
// members of a JSON body and the validation error they answer with.
class RequestInput
{
public:
    // The principal, the client address (the proxy-resolved one when set) and the device.
    static Caller callerOf(const RequestContext &ctx);
    // ?page, ?limit (≤ 100) and ?search; VALIDATION_ERROR for values out of range.
    static Result<PageRequest> pageOf(const RequestContext &ctx);
    // The names of fields a caller may never set (id, role, plan, disabled, owner ids) that
    // are present in `body`: ignored, and audited.
    static QStringList privilegedFields(const QJsonObject &body);
    // The string member `name`: nullopt when absent or null; a FieldError when of another type.
    static std::optional<QString> optionalString(const QJsonObject &body, const QString &name,
                                                 QList<FieldError> &errors);
    // The member "role": nullopt when absent or null; a FieldError when it is not a role name.
    static std::optional<Role> optionalRole(const QJsonObject &body, QList<FieldError> &errors);
    // A required, non-empty string member; a FieldError (and an empty string) otherwise.
    static QString requiredString(const QJsonObject &body, const char *name,
                                  QList<FieldError> &errors);
    // VALIDATION_ERROR with these fields.
    static Error invalid(QList<FieldError> fields);

    // A route of the /api/auth area: a JSON body, when it takes one, is capped at 64 KiB.
    static Route authRoute(Method method, const char *pattern, Role minRole, Handler handler,
                           const char *summary, BodyKind body = BodyKind::None);
};

} // namespace cr
