#include "http/HeadScanner.h"

namespace cr {
namespace {

constexpr int kMaxLeadingEmptyLines = 4;

// RFC 9110 tchar
bool isTokenChar(unsigned char c)
{
    if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9'))
        return true;
    switch (c) {
    case '!':
    case '#':
    case '$':
    case '%':
    case '&':
    case '\'':
    case '*':
    case '+':
    case '-':
    case '.':
    case '^':
    case '_':
    case '`':
    case '|':
    case '~':
        return true;
    default:
        return false;
    }
}

} // namespace

HeadScanner::HeadScanner(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount)
    : m_maxRequestLine(maxRequestLineBytes)
    , m_maxHeaderBytes(maxHeaderBytes)
    , m_maxHeaderCount(maxHeaderCount)
{}

void HeadScanner::reset()
{
    m_state = State::Scanning;
    m_part = Part::RequestLine;
    m_sawCr = false;
    m_lineStart = true;
    m_lineBytes = 0;
    m_headerBytes = 0;
    m_headerLines = 0;
    m_leadingEmptyLines = 0;
    m_errorCode = ErrorCode::BadRequest;
    m_errorMessage = "";
}

HeadScanner::State HeadScanner::fail(ErrorCode code, const char *message)
{
    m_errorCode = code;
    m_errorMessage = message;
    m_state = State::Failed;
    return m_state;
}

HeadScanner::State HeadScanner::endOfLine()
{
    if (m_part == Part::RequestLine) {
        if (m_lineBytes > 0)
            m_part = Part::Name;
        else if (++m_leadingEmptyLines > kMaxLeadingEmptyLines) // RFC 9112 §2.2 tolerates a few
            return fail(ErrorCode::BadRequest, "Malformed request line");
    } else if (m_lineBytes == 0) {
        m_state = State::Done;
    } else {
        if (m_part == Part::Name)
            return fail(ErrorCode::BadRequest, "Malformed header line");
        if (++m_headerLines > m_maxHeaderCount)
            return fail(ErrorCode::HeadersTooLarge, "Too many header fields");
        m_part = Part::Name;
    }
    m_lineStart = true;
    m_lineBytes = 0;
    return m_state;
}

HeadScanner::State HeadScanner::scan(const char *data, qsizetype len)
{
    for (qsizetype i = 0; i < len && m_state == State::Scanning; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (m_part != Part::RequestLine && ++m_headerBytes > m_maxHeaderBytes)
            return fail(ErrorCode::HeadersTooLarge, "Request header fields too large");
        if (m_sawCr) {
            m_sawCr = false;
            if (c != '\n')
                return fail(ErrorCode::BadRequest, "Bare CR in request head");
            endOfLine();
            continue;
        }
        if (c == '\r') {
            m_sawCr = true;
            continue;
        }
        if (c == '\n')
            return fail(ErrorCode::BadRequest, "Bare LF in request head");

        ++m_lineBytes;
        if (m_part == Part::RequestLine) {
            if (m_lineBytes > m_maxRequestLine)
                return fail(ErrorCode::UriTooLong, "Request line too long");
            if (c < 0x20 || c == 0x7f)
                return fail(ErrorCode::BadRequest, "Control character in request line");
            continue;
        }
        if (m_lineStart) {
            m_lineStart = false;
            if (c == ' ' || c == '\t')
                return fail(ErrorCode::BadRequest, "Obsolete line folding is not accepted");
        }
        if (m_part == Part::Name) {
            if (c == ':') {
                if (m_lineBytes == 1)
                    return fail(ErrorCode::BadRequest, "Empty header name");
                m_part = Part::Value;
            } else if (!isTokenChar(c)) {
                return fail(ErrorCode::BadRequest, "Invalid character in header name");
            }
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            return fail(ErrorCode::BadRequest, "Control character in header value");
        }
    }
    return m_state;
}

} // namespace cr
