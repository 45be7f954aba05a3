#pragma once

#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/ResponseWriter.h"
#include "http/Stage.h"

#include <memory>
#include <vector>

namespace cr {

class Authenticator;
class RateLimiter;
class Router;
struct Settings;

// The ordered request stages of docs/ARCHITECTURE.md, and the hand-over to a controller.
// Head stages run as soon as the request head is parsed (before any body byte is read); body
// stages run once the body is complete. RequestPipeline.cpp holds the one ordered list.
class RequestPipeline
{
public:
    RequestPipeline(const Settings &settings, const Router &router,
                    const Authenticator *authenticator, const ResponseWriter &writer,
                    RateLimiter *limiter = nullptr);
    ~RequestPipeline();

    void begin(RequestContext &ctx, HttpRequest &request) const;
    std::optional<HttpResponse> runHead(RequestContext &ctx) const;
    std::optional<HttpResponse> runBody(RequestContext &ctx) const;
    void dispatch(RequestContext &ctx, const Reply &reply) const;

    // A whole request in-process, no socket: for tests and in-process clients.
    struct Exchange
    {
        HttpResponse response;
        WriteInfo info;
        QByteArray wire; // the serialised response as a socket would carry it
    };
    Exchange handle(HttpRequest request) const;

    const ResponseWriter &writer() const { return m_writer; }
    QStringList stageNames() const;

private:
    const ResponseWriter &m_writer;
    RateLimiter *m_limiter;
    std::vector<std::unique_ptr<Stage>> m_head;
    std::vector<std::unique_ptr<Stage>> m_body;
};

} // namespace cr
