#pragma once

#include "http/HttpRequest.h"

#include <QtGlobal>

class QObject;

namespace cr {

struct Route;

// One answered request, as the connection wrote it.
struct RequestRecord
{
    Method method = Method::Other;
    const Route *route = nullptr; // the matched route; null for 404/405 and unreadable requests
    int status = 0; // 101: a WebSocket handed to the hub; 0: abandoned (the client left first)
    qint64 durationNs = 0;    // head complete → response serialised (Clock::monotonicNs)
    qint64 responseBytes = 0; // status line, headers and body as written
};

// Told about every request a worker answers: how telemetry counts traffic without `http`
// knowing telemetry. Every call comes from a worker thread, in that thread; implementations
// must be cheap and must not block (no locks shared between workers).
class RequestObserver
{
public:
    virtual ~RequestObserver() = default;
    // Once per worker, in the worker's thread, after its event loop runs (e.g. for timers
    // parented to `worker`).
    virtual void workerStarted(QObject *worker, int index) = 0;
    // A request head was read completely: the request is in flight.
    virtual void requestStarted() = 0;
    // Its response is about to be written (called just before the write, so that whatever
    // the client does next sees it counted), the socket was handed to the WebSocket hub, or
    // the connection closed before the answer (status 0: no longer in flight, but not an answered
    // request). Exactly once per requestStarted().
    virtual void requestFinished(const RequestRecord &record) = 0;
};

} // namespace cr
