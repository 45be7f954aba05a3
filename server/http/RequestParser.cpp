#include "http/RequestParser.h"

#include <climits>
#include <cstring>
#include <limits>

namespace cr {
namespace {

Method toMethod(unsigned int m)
{
    switch (m) {
    case HTTP_GET:
        return Method::Get;
    case HTTP_HEAD:
        return Method::Head;
    case HTTP_POST:
        return Method::Post;
    case HTTP_PUT:
        return Method::Put;
    case HTTP_PATCH:
        return Method::Patch;
    case HTTP_DELETE:
        return Method::Delete;
    case HTTP_OPTIONS:
        return Method::Options;
    default:
        return Method::Other;
    }
}

bool isAllDigits(const QByteArray &value)
{
    if (value.isEmpty())
        return false;
    for (const char c : value) {
        if (c < '0' || c > '9')
            return false;
    }
    return true;
}

} // namespace

RequestParser::RequestParser(const Limits &limits)
    : m_limits(limits)
    , m_scanner(limits.maxUriBytes, limits.maxHeaderBytes, limits.maxHeaderCount)
    , m_chunks(limits.maxHeaderBytes, limits.maxHeaderCount)
{
    // Our own limits are smaller and exact; http-parser's global one only guards the rest.
    static const bool once = [] {
        http_parser_set_max_header_size(1u << 24);
        return true;
    }();
    Q_UNUSED(once);
    reset();
}

void RequestParser::reset()
{
    http_parser_init(&m_parser, HTTP_REQUEST);
    m_parser.data = this;
    m_scanner.reset();
    m_chunks.reset();
    m_consumed = 0;
    m_checked = 0;
    m_chunked = false;
    m_contentLength = -1;
    m_request.clear();
    m_field.clear();
    m_value.clear();
    m_inValue = false;
    m_inHead = true;
    m_started = false;
    m_event = Event::NeedMore;
    if (m_error.code != ErrorCode::Internal || !m_error.message.isEmpty())
        m_error = Error();
    m_bodyLimit = -1;
}

bool RequestParser::hasBody() const
{
    return m_chunked || m_contentLength > 0;
}

qint64 RequestParser::contentLength() const
{
    return m_contentLength;
}

int RequestParser::fail(ErrorCode code, const char *message)
{
    if (m_event != Event::Failed) {
        m_error = Error::make(code, QString::fromLatin1(message));
        m_event = Event::Failed;
    }
    return 1;
}

// Runs the byte-level checks that apply at this point of the message (the head, a chunked body)
// over the bytes of data they have not seen yet. Returns how many bytes of data http-parser may
// be given: the checked ones, or all of them when no check applies (a Content-Length body).
// Bytes offered again after http-parser left them unconsumed are not checked twice.
qsizetype RequestParser::checkBytes(const char *data, qsizetype len)
{
    const bool head = m_inHead;
    if (!head && !m_chunked)
        return len;
    const qint64 from = m_checked - m_consumed;
    if (from < 0)
        return -1; // http-parser went past the checked bytes: never expected
    const HeadScanner::State state = head ? m_scanner.state() : m_chunks.state();
    if (state == HeadScanner::State::Scanning && from < len) {
        qsizetype accepted = 0;
        if (head)
            m_scanner.scan(data + from, len - qsizetype(from), &accepted);
        else
            m_chunks.scan(data + from, len - qsizetype(from), &accepted);
        m_checked += accepted;
    }
    return qsizetype(qMin<qint64>(m_checked - m_consumed, len));
}

qsizetype RequestParser::feed(const char *data, qsizetype len, Event &event)
{
    if (len <= 0 || m_event == Event::Failed) {
        event = m_event == Event::Failed ? Event::Failed : Event::NeedMore;
        return 0;
    }
    if (HTTP_PARSER_ERRNO(&m_parser) == HPE_PAUSED)
        http_parser_pause(&m_parser, 0);
    m_event = Event::NeedMore;
    const bool head = m_inHead;
    const qsizetype allowed = checkBytes(data, len);
    if (allowed < 0) {
        fail(ErrorCode::BadRequest, "Malformed request");
        event = m_event;
        return 0;
    }
    // http-parser first gets the bytes before a refused one: what it refuses there comes
    // first in the stream and wins, however the stream was split.
    qsizetype n = 0;
    if (allowed > 0) {
        n = qsizetype(http_parser_execute(&m_parser, &parserSettings(), data, size_t(allowed)));
        m_consumed += n;
        const auto err = HTTP_PARSER_ERRNO(&m_parser);
        if (err != HPE_OK && err != HPE_PAUSED) {
            // Never expose parser internals: one plain message for every malformed shape.
            fail(ErrorCode::BadRequest, "Malformed request");
        }
    }
    if (m_event == Event::NeedMore && n < len) {
        // http-parser took every checked byte and wants more, but the check stopped: at a
        // refused byte, or at the end of the head or body where http-parser did not see one.
        const bool failed = head ? m_scanner.state() == HeadScanner::State::Failed
                                 : m_chunks.state() == HeadScanner::State::Failed;
        if (failed && head)
            fail(m_scanner.errorCode(), m_scanner.errorMessage());
        else if (failed)
            fail(m_chunks.errorCode(), m_chunks.errorMessage());
        else
            fail(ErrorCode::BadRequest, "Malformed request");
    }
    event = m_event;
    return n;
}

void RequestParser::finishHeader()
{
    if (!m_field.isEmpty()) {
        for (char &c : m_field) // RFC 9110 names are ASCII tokens (HeadScanner checked)
            c = (c >= 'A' && c <= 'Z') ? char(c + ('a' - 'A')) : c;
        m_request.headers.append({std::move(m_field), std::move(m_value).trimmed()});
        m_field = QByteArray();
        m_value = QByteArray();
    }
    m_inValue = false;
}

bool RequestParser::checkHead()
{
    if (m_scanner.state() != HeadScanner::State::Done) // http-parser saw a head end it did not
        return fail(ErrorCode::BadRequest, "Malformed request"), false;
    HttpRequest &r = m_request;
    r.versionMajor = m_parser.http_major;
    r.versionMinor = m_parser.http_minor;
    r.method = toMethod(m_parser.method);
    const char *methodText = http_method_str(static_cast<http_method>(m_parser.method));
    r.methodText = QByteArray::fromRawData(methodText, qsizetype(std::strlen(methodText)));
    r.keepAlive = http_should_keep_alive(&m_parser) != 0;
    r.upgrade = m_parser.upgrade != 0;

    if (r.versionMajor != 1 || r.versionMinor > 1)
        return fail(ErrorCode::NotImplemented, "HTTP version not supported"), false;
    const bool http11 = r.versionMinor == 1;

    int teCount = 0, clCount = 0, hostCount = 0;
    QByteArray te, cl;
    for (const auto &h : r.headers) {
        if (h.first == "transfer-encoding") {
            ++teCount;
            te = h.second;
        } else if (h.first == "content-length") {
            ++clCount;
            cl = h.second;
        } else if (h.first == "host") {
            ++hostCount;
        }
    }
    if (teCount > 1)
        return fail(ErrorCode::BadRequest, "More than one Transfer-Encoding"), false;
    if (teCount == 1 && te.toLower() != "chunked")
        return fail(ErrorCode::BadRequest, "Unsupported Transfer-Encoding"), false;
    // What we read must be what http-parser reads: "chunked\t" trims to "chunked" here but is
    // not chunked to http-parser (which refuses it only after this callback).
    if ((teCount == 1) != ((m_parser.flags & F_CHUNKED) != 0))
        return fail(ErrorCode::BadRequest, "Unsupported Transfer-Encoding"), false;
    if (teCount == 1 && !http11)
        return fail(ErrorCode::BadRequest, "Transfer-Encoding is not allowed in HTTP/1.0"), false;
    if (teCount == 1 && clCount > 0)
        return fail(ErrorCode::BadRequest, "Content-Length with Transfer-Encoding"), false;
    if (clCount > 1)
        return fail(ErrorCode::BadRequest, "More than one Content-Length"), false;
    if (clCount == 1 && (!isAllDigits(cl) || cl.toULongLong() != m_parser.content_length))
        return fail(ErrorCode::BadRequest, "Invalid Content-Length"), false;
    if (http11 && hostCount != 1)
        return fail(ErrorCode::BadRequest, "Exactly one Host header is required"), false;
    if (hostCount > 1)
        return fail(ErrorCode::BadRequest, "More than one Host header"), false;

    const qsizetype q = r.target.indexOf('?');
    r.path = q < 0 ? r.target : r.target.left(q);
    r.query = q < 0 ? QByteArray() : r.target.mid(q + 1);
    const bool asterisk = r.target == "*" && r.method == Method::Options;
    if (!asterisk && !r.path.startsWith('/'))
        return fail(ErrorCode::BadRequest, "Request target must be an absolute path"), false;
    return true;
}

int RequestParser::onMessageBegin(http_parser *p)
{
    auto *self = static_cast<RequestParser *>(p->data);
    self->m_started = true;
    return 0;
}

int RequestParser::onUrl(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<RequestParser *>(p->data);
    if (self->m_request.target.size() + qsizetype(len) > self->m_limits.maxUriBytes)
        return self->fail(ErrorCode::UriTooLong, "Request target too long");
    self->m_request.target.append(at, qsizetype(len));
    return 0;
}

int RequestParser::onHeaderField(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<RequestParser *>(p->data);
    if (!self->m_inHead)
        return 0; // a trailer field: checked by the ChunkScanner, not kept
    if (self->m_inValue)
        self->finishHeader();
    self->m_field.append(at, qsizetype(len));
    return 0;
}

int RequestParser::onHeaderValue(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<RequestParser *>(p->data);
    if (!self->m_inHead)
        return 0;
    self->m_inValue = true;
    self->m_value.append(at, qsizetype(len));
    return 0;
}

int RequestParser::onHeadersComplete(http_parser *p)
{
    auto *self = static_cast<RequestParser *>(p->data);
    self->finishHeader();
    if (!self->checkHead())
        return -1;
    // Kept now: http-parser counts content_length down through the body, and a trailer field
    // named Transfer-Encoding clears its F_CHUNKED.
    self->m_chunked = (p->flags & F_CHUNKED) != 0;
    if (!self->m_chunked && p->content_length != ULLONG_MAX) {
        // http-parser takes values up to 2^64 - 2: never let one turn negative here.
        constexpr qint64 kMax = std::numeric_limits<qint64>::max();
        self->m_contentLength =
            p->content_length > quint64(kMax) ? kMax : qint64(p->content_length);
    }
    self->m_inHead = false;
    self->m_event = Event::HeadComplete;
    http_parser_pause(p, 1);
    return 0;
}

int RequestParser::onBody(http_parser *p, const char *at, size_t len)
{
    auto *self = static_cast<RequestParser *>(p->data);
    if (self->m_bodyLimit >= 0 && self->m_request.body.size() + qint64(len) > self->m_bodyLimit)
        return self->fail(ErrorCode::PayloadTooLarge, "Request body too large");
    self->m_request.body.append(at, qsizetype(len));
    return 0;
}

int RequestParser::onMessageComplete(http_parser *p)
{
    auto *self = static_cast<RequestParser *>(p->data);
    self->m_event = Event::MessageComplete;
    http_parser_pause(p, 1);
    return 0;
}

const http_parser_settings &RequestParser::parserSettings()
{
    static const http_parser_settings settings = [] {
        http_parser_settings s;
        std::memset(&s, 0, sizeof s);
        s.on_message_begin = &RequestParser::onMessageBegin;
        s.on_url = &RequestParser::onUrl;
        s.on_header_field = &RequestParser::onHeaderField;
        s.on_header_value = &RequestParser::onHeaderValue;
        s.on_headers_complete = &RequestParser::onHeadersComplete;
        s.on_body = &RequestParser::onBody;
        s.on_message_complete = &RequestParser::onMessageComplete;
        return s;
    }();
    return settings;
}

} // namespace cr
