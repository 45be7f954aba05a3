#pragma once

#include "core/Result.h"
#include "http/HttpResponse.h"

#include <QJsonObject>

#include <functional>
#include <memory>

namespace cr {

class Envelope;
class JsonTemplate;
class ResponseWriter;

// How a controller answers, now or later and from any thread. Exactly one answer counts; if
// every copy of a Reply is dropped without an answer, the client gets a 500 INTERNAL instead
// of a hang.
class Reply
{
public:
    using Sink = std::function<void(HttpResponse)>;
    // The status a sink receives when every copy of a Reply was dropped unanswered.
    static constexpr int kDropped = 0;
    // What a sink sends instead of a dropped reply: 500 INTERNAL.
    static HttpResponse droppedResponse(const ResponseWriter &writer, const QByteArray &requestId);

    Reply(Sink sink, const ResponseWriter *writer, QByteArray requestId);

    void send(HttpResponse response) const;
    void ok(const QJsonObject &data, int status = 200) const;
    // A body from Envelope::successTemplate (made with envelope()).
    void okRendered(const JsonTemplate &body, int status = 200) const;
    const Envelope &envelope() const;
    void fail(const Error &error) const;
    void result(const Result<QJsonObject> &result, int successStatus = 200) const;
    void noContent() const;
    // A service's answer to a change with nothing to return: 204 No Content, or the error.
    void done(const Result<bool> &result) const;
    bool answered() const;

private:
    struct State;
    std::shared_ptr<State> m_state;
};

} // namespace cr
