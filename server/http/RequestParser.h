#pragma once

#include "core/Error.h"
#include "http/HeadScanner.h"
#include "http/HttpRequest.h"

#include <http_parser.h>

namespace cr {

// http-parser 2.9.4 behind a small, strict adapter. One message at a time: feed() stops when the
// head is complete (so the caller can route, authorise and set the body limit before any body
// byte is read) and again when the message is complete. Byte-level shapes http-parser lets
// through (RFC 9112 smuggling vectors) are refused by a HeadScanner that sees the head first
// and a ChunkScanner that sees a chunked body first (http-parser never gets a byte they have not
// accepted), and header semantics (Transfer-Encoding, Content-Length, Host) are checked at head
// end. Trailer fields are checked and dropped.
class RequestParser
{
public:
    struct Limits
    {
        int maxUriBytes = 8192;
        int maxHeaderBytes = 16384;
        int maxHeaderCount = 100;
    };
    enum class Event
    {
        NeedMore,
        HeadComplete,
        MessageComplete,
        Failed
    };

    explicit RequestParser(const Limits &limits);
    RequestParser(const RequestParser &) = delete;
    RequestParser &operator=(const RequestParser &) = delete;

    // Parses up to len bytes; returns how many were consumed and what happened.
    qsizetype feed(const char *data, qsizetype len, Event &event);

    // After HeadComplete (as the head declared them): the body limit for this message, and
    // whether a body follows.
    void setBodyLimit(qint64 bytes) { m_bodyLimit = bytes; }
    bool hasBody() const;
    // The declared Content-Length, or -1 when absent or chunked.
    qint64 contentLength() const;

    HttpRequest &request() { return m_request; }
    const Error &error() const { return m_error; }
    bool inHead() const { return m_inHead; }
    bool midMessage() const { return m_started; }

    // Prepares for the next message on the same connection.
    void reset();

private:
    static const http_parser_settings &parserSettings();
    static int onMessageBegin(http_parser *p);
    static int onUrl(http_parser *p, const char *at, size_t len);
    static int onHeaderField(http_parser *p, const char *at, size_t len);
    static int onHeaderValue(http_parser *p, const char *at, size_t len);
    static int onHeadersComplete(http_parser *p);
    static int onBody(http_parser *p, const char *at, size_t len);
    static int onMessageComplete(http_parser *p);

    int fail(ErrorCode code, const char *message);
    qsizetype checkBytes(const char *data, qsizetype len);
    void finishHeader();
    bool checkHead();

    Limits m_limits;
    http_parser m_parser;
    HeadScanner m_scanner;
    ChunkScanner m_chunks;
    qint64 m_consumed = 0;       // bytes of this message http-parser has taken
    qint64 m_checked = 0;        // bytes of this message the scanners have accepted
    bool m_chunked = false;      // from the head
    qint64 m_contentLength = -1; // from the head
    HttpRequest m_request;
    QByteArray m_field;
    QByteArray m_value;
    bool m_inValue = false;
    bool m_inHead = true;
    bool m_started = false;
    Event m_event = Event::NeedMore;
    Error m_error;
    qint64 m_bodyLimit = -1;
};

} // namespace cr
