#pragma once

#include "RawClient.h"
#include "http/Reply.h"

#include <QByteArray>
#include <QObject>
#include <QPointer>
#include <QString>

#include <atomic>
#include <mutex>
#include <vector>

namespace cr {
class Router;
}

// Routes and checks shared by the real-socket HTTP tests (tests/http).
namespace httptest {

// Replies parked by GET /t/park: the test answers them (from its own thread) or drops them.
class Parking
{
public:
    // Called by the handler, in its worker thread.
    void add(const cr::Reply &reply);
    int count() const;
    // Answers the oldest parked request with {"parked": true}: from the calling thread, or
    // (inHandlerThread) queued to the worker thread that ran the handler. False when none is
    // parked.
    bool releaseOne(bool inHandlerThread = false);
    // Drops every parked reply without answering.
    void clear();

private:
    struct Entry
    {
        cr::Reply reply;
        QPointer<QObject> anchor; // lives in the handler's thread, deleted when it ends
    };
    mutable std::mutex m_mutex;
    std::vector<Entry> m_entries;
};

Parking &parking();
// How often GET /t/smuggled was answered: a smuggled request must never reach a handler.
std::atomic<int> &smuggledHits();

constexpr qint64 kSmallRouteLimit = 16;   // POST /t/small
constexpr qint64 kLargeRouteLimit = 4096; // POST /t/large

// The routes every HTTP test server gets:
//   GET  /t/seq?n=N            {"n": N}
//   GET  /t/async?ms=M&n=N     {"n": N}, answered M ms later by a timer in the worker thread
//   GET  /t/park               parked in parking() until the test answers or drops it
//   GET  /t/peer               {"peer": the peer address the handler sees}
//   GET  /t/smuggled           counts smuggledHits()
//   POST /t/echo  (JSON)       {"echo": body object, "bytes": body size}
//   POST /t/small (JSON)       per-route body limit kSmallRouteLimit
//   POST /t/large (JSON)       per-route body limit kLargeRouteLimit (above the test default)
void registerRoutes(cr::Router &router);

// Empty when every security header is present with its value and no Server header is sent;
// otherwise a description of what is wrong (use with QCOMPARE(..., QString())).
QString securityProblems(const RawClient::Response &response);

// Empty when the response is a JSON error envelope with this code; otherwise what is wrong.
QString jsonErrorProblems(const RawClient::Response &response, const char *code);

// Reads one response from c and checks that it is `status` with a JSON error `code`, carries the
// security headers and Connection: close, and that the server then closes the connection without
// sending anything more. Empty when all holds; otherwise what does not.
QString expectErrorAndClose(RawClient &c, int status, const char *code, int timeoutMs = 5000);

// A minimal request: method, target, Host: localhost, extra header lines (each ending in CRLF).
QByteArray request(const QByteArray &method, const QByteArray &target,
                   const QByteArray &extraHeaders = QByteArray());

} // namespace httptest
