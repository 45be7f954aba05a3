#include "http/Reply.h"

#include "http/ResponseWriter.h"

#include <atomic>

namespace cr {

struct Reply::State
{
    Sink sink;
    const ResponseWriter *writer = nullptr;
    QByteArray requestId;
    std::atomic<bool> answered{false};

    ~State()
    {
        // Dropped unanswered: the receiving side turns this marker into a 500. The writer is
        // not used here, since a late drop may outlive it; the receiver's writer is alive
        // whenever the receiver is.
        if (!answered.load() && sink) {
            HttpResponse dropped;
            dropped.status = Reply::kDropped;
            sink(std::move(dropped));
        }
    }
};

HttpResponse Reply::droppedResponse(const ResponseWriter &writer, const QByteArray &requestId)
{
    return writer.error(
        Error::make(ErrorCode::Internal, QStringLiteral("The request could not be completed")),
        requestId);
}

Reply::Reply(Sink sink, const ResponseWriter *writer, QByteArray requestId)
    : m_state(std::make_shared<State>())
{
    m_state->sink = std::move(sink);
    m_state->writer = writer;
    m_state->requestId = std::move(requestId);
}

void Reply::send(HttpResponse response) const
{
    if (m_state->answered.exchange(true))
        return;
    m_state->sink(std::move(response));
}

void Reply::ok(const QJsonObject &data, int status) const
{
    send(m_state->writer->success(data, status));
}

void Reply::okRendered(const JsonTemplate &body, int status) const
{
    send(m_state->writer->successRendered(body, status));
}

const Envelope &Reply::envelope() const
{
    return m_state->writer->envelope();
}

void Reply::fail(const Error &error) const
{
    send(m_state->writer->error(error, m_state->requestId));
}

void Reply::result(const Result<QJsonObject> &result, int successStatus) const
{
    if (result)
        ok(result.value(), successStatus);
    else
        fail(result.error());
}

void Reply::done(const Result<bool> &result) const
{
    if (result)
        noContent();
    else
        fail(result.error());
}

void Reply::noContent() const
{
    HttpResponse r;
    r.status = 204;
    r.contentType.clear();
    send(std::move(r));
}

bool Reply::answered() const
{
    return m_state->answered.load();
}

} // namespace cr
