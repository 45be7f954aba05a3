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
    // When the caller may try again (RATE_LIMITED, DEPENDENCY_UNAVAILABLE, OVERLOADED): whole
    // seconds, sent as Retry-After (at least 1). 0: no Retry-After.
    int retryAfterSeconds = 0;
    // RATE_LIMITED: the name of the policy that refused.
    QString policy;

    static Error make(ErrorCode code, const QString &message)
    {
        return Error{code, message, {}, 0, {}};
    }
    // The same error, telling the caller to try again after `seconds` (at least 1).
    Error retryAfter(int seconds) const
    {
        Error e = *this;
        e.retryAfterSeconds = seconds < 1 ? 1 : seconds;
        return e;
    }
};

} // namespace cr
