#pragma once

#include "core/Error.h"
#include "core/Principal.h"
#include "http/HttpRequest.h"
#include "http/HttpResponse.h"
#include "http/Route.h"

#include <QHostAddress>
#include <QJsonObject>

#include <optional>

namespace cr {

class ResponseWriter;
class Clock;

// Everything the stages learn about one request on its way to a controller.
struct RequestContext
{
    HttpRequest *request = nullptr;
    const ResponseWriter *writer = nullptr;
    const Clock *clock = nullptr;
    qint64 startedMs = 0;

    QByteArray requestId;
    QByteArray corsOrigin;         // the allowed Origin to echo, or empty
    QHostAddress clientAddress;    // the peer, or the client a trusted proxy names
    bool rateExempt = false;       // allow-listed: the request policies do not count it
    bool anonymousCharged = false; // the per-IP stage counted it against "anon"
    const Route *route = nullptr;
    RouteParams params;
    bool badParameter = false;
    bool webSocketUpgrade = false;
    Principal principal;
    std::optional<Error> authError; // credentials that failed: answered by the authorize stage
    qint64 maxBodyBytes = 0;
    QJsonObject json;
    HeaderList responseHeaders; // added by stages to whatever response goes out

    HttpResponse errorResponse(const Error &error) const;
};

} // namespace cr
