#include "http/ErrorMapping.h"

namespace cr {

int httpStatusFor(ErrorCode code)
{
    switch (code) {
    case ErrorCode::ValidationError:
    case ErrorCode::InvalidJson:
    case ErrorCode::WeakPassword:
    case ErrorCode::HostNotAllowed:
    case ErrorCode::BadRequest:
        return 400;
    case ErrorCode::Unauthorized:
    case ErrorCode::TokenExpired:
    case ErrorCode::InvalidCredentials:
        return 401;
    case ErrorCode::Forbidden:
    case ErrorCode::OriginNotAllowed:
        return 403;
    case ErrorCode::NotFound:
        return 404;
    case ErrorCode::MethodNotAllowed:
        return 405;
    case ErrorCode::RequestTimeout:
        return 408;
    case ErrorCode::Conflict:
    case ErrorCode::UserExists:
        return 409;
    case ErrorCode::PayloadTooLarge:
        return 413;
    case ErrorCode::UriTooLong:
        return 414;
    case ErrorCode::UnsupportedMediaType:
        return 415;
    case ErrorCode::RateLimited:
        return 429;
    case ErrorCode::HeadersTooLarge:
        return 431;
    case ErrorCode::Internal:
        return 500;
    case ErrorCode::NotImplemented:
        return 505;
    case ErrorCode::DependencyUnavailable:
    case ErrorCode::Overloaded:
        return 503;
    }
    return 500;
}

const char *reasonPhrase(int status)
{
    switch (status) {
    case 100:
        return "Continue";
    case 101:
        return "Switching Protocols";
    case 200:
        return "OK";
    case 201:
        return "Created";
    case 202:
        return "Accepted";
    case 204:
        return "No Content";
    case 400:
        return "Bad Request";
    case 401:
        return "Unauthorized";
    case 403:
        return "Forbidden";
    case 404:
        return "Not Found";
    case 405:
        return "Method Not Allowed";
    case 408:
        return "Request Timeout";
    case 409:
        return "Conflict";
    case 413:
        return "Content Too Large";
    case 414:
        return "URI Too Long";
    case 415:
        return "Unsupported Media Type";
    case 429:
        return "Too Many Requests";
    case 431:
        return "Request Header Fields Too Large";
    case 500:
        return "Internal Server Error";
    case 503:
        return "Service Unavailable";
    case 505:
        return "HTTP Version Not Supported";
    default:
        return "Unknown";
    }
}

} // namespace cr
