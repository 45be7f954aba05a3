#pragma once

#include "core/Principal.h"
#include "http/HttpRequest.h"

#include <QList>
#include <QString>

#include <functional>

namespace cr {

class Reply;
struct RequestContext;

using Handler = std::function<void(RequestContext &ctx, Reply reply)>;

// How a route wants its body: none (any body is refused with 413 unless it is empty) or JSON
// (Content-Type application/json, parsed before the handler runs).
enum class BodyKind
{
    None,
    Json
};

// One entry of the route table. Patterns are literal segments and typed parameters:
// "/api/deployments/:id<uuid>", "/api/items/:n<int>", "/api/files/:name" (any non-empty text).
struct Route
{
    Method method = Method::Get;
    QString pattern;
    Role minRole = Role::Anonymous;
    Handler handler;
    BodyKind body = BodyKind::None;
    qint64 maxBodyBytes = -1; // -1: the server default
    bool webSocket = false;   // an upgrade endpoint: handed to the WebSocket hub
    QString summary;          // one line for the API reference
    bool expensive = false;   // counted against the per-user "expensive" policy too
};

// Route parameters, already percent-decoded and type-checked.
struct RouteParams
{
    QList<QPair<QString, QString>> values;
    QString value(const QString &name) const;
};

} // namespace cr
