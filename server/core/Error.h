#pragma once

#include <QList>
#include <QString>

namespace cr {

// The complete list of API error codes (CONTRACT §1). The HTTP status of each lives in exactly
// one place: http/ErrorMapping.cpp.
enum class ErrorCode
{
    ValidationError,
    InvalidJson,
    Unauthorized,
    TokenExpired,
    Forbidden,
    NotFound,
    MethodNotAllowed,
    Conflict,
    UserExists,
    InvalidCredentials,
    WeakPassword,
    PayloadTooLarge,
    UnsupportedMediaType,
    OriginNotAllowed,
    HostNotAllowed,
    RateLimited,
    DependencyUnavailable,
    Overloaded,
    Internal,
    // Transport-level refusals: mapped to their own status, reported as these codes.
    BadRequest,
    UriTooLong,
    HeadersTooLarge,
    RequestTimeout,
    NotImplemented,
};

const char *errorCodeName(ErrorCode code);

struct FieldError
{
    QString field;
    QString message;
};

// An error as a value: what went wrong, in words safe to show to the caller.
struct Error
{
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QList<FieldError> fields;

    static Error make(ErrorCode code, const QString &message) { return Error{code, message, {}}; }
};

} // namespace cr
