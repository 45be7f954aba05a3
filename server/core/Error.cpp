#include "core/Error.h"

namespace cr {

const char *errorCodeName(ErrorCode code)
{
    switch (code) {
    case ErrorCode::ValidationError:
        return "VALIDATION_ERROR";
    case ErrorCode::InvalidJson:
        return "INVALID_JSON";
    case ErrorCode::Unauthorized:
        return "UNAUTHORIZED";
    case ErrorCode::TokenExpired:
        return "TOKEN_EXPIRED";
    case ErrorCode::Forbidden:
        return "FORBIDDEN";
    case ErrorCode::NotFound:
        return "NOT_FOUND";
    case ErrorCode::MethodNotAllowed:
        return "METHOD_NOT_ALLOWED";
    case ErrorCode::Conflict:
        return "CONFLICT";
    case ErrorCode::UserExists:
        return "USER_EXISTS";
    case ErrorCode::InvalidCredentials:
        return "INVALID_CREDENTIALS";
    case ErrorCode::WeakPassword:
        return "WEAK_PASSWORD";
    case ErrorCode::PayloadTooLarge:
        return "PAYLOAD_TOO_LARGE";
    case ErrorCode::UnsupportedMediaType:
        return "UNSUPPORTED_MEDIA_TYPE";
    case ErrorCode::OriginNotAllowed:
        return "ORIGIN_NOT_ALLOWED";
    case ErrorCode::HostNotAllowed:
        return "HOST_NOT_ALLOWED";
    case ErrorCode::RateLimited:
        return "RATE_LIMITED";
    case ErrorCode::DependencyUnavailable:
        return "DEPENDENCY_UNAVAILABLE";
    case ErrorCode::Overloaded:
        return "OVERLOADED";
    case ErrorCode::Internal:
        return "INTERNAL";
    case ErrorCode::BadRequest:
        return "BAD_REQUEST";
    case ErrorCode::UriTooLong:
        return "URI_TOO_LONG";
    case ErrorCode::HeadersTooLarge:
        return "HEADERS_TOO_LARGE";
    case ErrorCode::RequestTimeout:
        return "REQUEST_TIMEOUT";
    case ErrorCode::NotImplemented:
        return "NOT_IMPLEMENTED";
    }
    return "INTERNAL";
}

} // namespace cr
