#pragma once

#include "http/HttpRequest.h"

#include <QByteArray>

namespace cr {

// A response before serialisation. The writer adds the status line, security headers,
// X-Request-Id, CORS headers, Content-Length and Connection.
struct HttpResponse
{
    int status = 200;
    QByteArray contentType = QByteArrayLiteral("application/json; charset=utf-8");
    QByteArray body;
    HeaderList headers;
    bool close = false;

    void addHeader(const QByteArray &name, const QByteArray &value)
    {
        headers.append({name, value});
    }
};

} // namespace cr
