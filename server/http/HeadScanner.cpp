#include "http/HeadScanner.h"

namespace cr {
namespace {

constexpr int kMaxLeadingEmptyLines = 4;
constexpr int kRequestLineOverhead = 32;    // method, spaces, version
constexpr qint64 kMaxChunkLineBytes = 4096; // a chunk-size line with its extensions, before CRLF

bool isHexDigit(unsigned char c)
{
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
}

int hexValue(unsigned char c)
{
    if (c >= '0' && c <= '9')
        return c - '0';
    if (c >= 'a' && c <= 'f')
        return c - 'a' + 10;
    return c - 'A' + 10;
}

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

HeadScanner::HeadScanner(int maxTargetBytes, int maxHeaderBytes, int maxHeaderCount)
    : m_maxTarget(maxTargetBytes)
    , m_maxRequestLine(maxTargetBytes + kRequestLineOverhead)
    , m_maxHeaderBytes(maxHeaderBytes)
    , m_maxHeaderCount(maxHeaderCount)
{}

void HeadScanner::startTrailers()
{
    reset();
    m_part = Part::Name;
}

void HeadScanner::reset()
{
    m_state = State::Scanning;
    m_part = Part::RequestLine;
    m_linePart = LinePart::Method;
    m_targetBytes = 0;
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

HeadScanner::State HeadScanner::scan(const char *data, qsizetype len, qsizetype *accepted)
{
    qsizetype i = 0;
    for (; i < len && m_state == State::Scanning; ++i) {
        const auto c = static_cast<unsigned char>(data[i]);
        if (m_part != Part::RequestLine && ++m_headerBytes > m_maxHeaderBytes) {
            fail(ErrorCode::HeadersTooLarge, "Request header fields too large");
            break;
        }
        if (m_sawCr) {
            m_sawCr = false;
            if (c != '\n') {
                fail(ErrorCode::BadRequest, "Bare CR in request head");
                break;
            }
            endOfLine();
            if (m_state == State::Failed)
                break;
            continue;
        }
        if (c == '\r') {
            m_sawCr = true;
            continue;
        }
        if (c == '\n') {
            fail(ErrorCode::BadRequest, "Bare LF in request head");
            break;
        }

        ++m_lineBytes;
        if (m_part == Part::RequestLine) {
            if (m_lineBytes > m_maxRequestLine) {
                fail(ErrorCode::UriTooLong, "Request line too long");
                break;
            }
            if (c < 0x20 || c == 0x7f) {
                fail(ErrorCode::BadRequest, "Control character in request line");
                break;
            }
            // method SP target SP version, with exactly one space each (RFC 9112 §3)
            if (c == ' ') {
                if (m_linePart == LinePart::Method && m_lineBytes > 1) {
                    m_linePart = LinePart::BeforeTarget;
                } else if (m_linePart == LinePart::Target) {
                    m_linePart = LinePart::AfterTarget;
                } else {
                    fail(ErrorCode::BadRequest, "Malformed request line");
                    break;
                }
            } else if (m_linePart == LinePart::BeforeTarget || m_linePart == LinePart::Target) {
                if (c == '#') {
                    fail(ErrorCode::BadRequest, "Request target must not carry a fragment");
                    break;
                }
                m_linePart = LinePart::Target;
                if (++m_targetBytes > m_maxTarget) {
                    fail(ErrorCode::UriTooLong, "Request target too long");
                    break;
                }
            }
            continue;
        }
        if (m_lineStart) {
            m_lineStart = false;
            if (c == ' ' || c == '\t') {
                fail(ErrorCode::BadRequest, "Obsolete line folding is not accepted");
                break;
            }
        }
        if (m_part == Part::Name) {
            if (c == ':') {
                if (m_lineBytes == 1) {
                    fail(ErrorCode::BadRequest, "Empty header name");
                    break;
                }
                m_part = Part::Value;
            } else if (!isTokenChar(c)) {
                fail(ErrorCode::BadRequest, "Invalid character in header name");
                break;
            }
        } else if ((c < 0x20 && c != '\t') || c == 0x7f) {
            fail(ErrorCode::BadRequest, "Control character in header value");
            break;
        }
    }
    if (accepted)
        *accepted = i;
    return m_state;
}

ChunkScanner::ChunkScanner(int maxHeaderBytes, int maxHeaderCount)
    : m_trailers(0, maxHeaderBytes, maxHeaderCount)
{}

void ChunkScanner::reset()
{
    m_trailers.reset();
    m_state = State::Scanning;
    m_part = Part::Size;
    m_sizeDigits = 0;
    m_sizeBws = false;
    m_size = 0;
    m_lineBytes = 0;
    m_errorCode = ErrorCode::BadRequest;
    m_errorMessage = "";
}

ChunkScanner::State ChunkScanner::fail(ErrorCode code, const char *message)
{
    m_errorCode = code;
    m_errorMessage = message;
    m_state = State::Failed;
    return m_state;
}

ChunkScanner::State ChunkScanner::scan(const char *data, qsizetype len, qsizetype *accepted)
{
    qsizetype i = 0;
    while (i < len && m_state == State::Scanning) {
        if (m_part == Part::Data) {
            const qsizetype n = qsizetype(qMin(m_size, quint64(len - i)));
            m_size -= quint64(n);
            i += n;
            if (m_size == 0)
                m_part = Part::DataCr;
            continue;
        }
        if (m_part == Part::Trailers) {
            qsizetype n = 0;
            const State s = m_trailers.scan(data + i, len - i, &n);
            i += n;
            if (s == State::Failed)
                fail(m_trailers.errorCode(), m_trailers.errorMessage());
            else if (s == State::Done)
                m_state = State::Done;
            continue;
        }

        const auto c = static_cast<unsigned char>(data[i]);
        if (m_part == Part::Size || m_part == Part::AfterSize || m_part == Part::Extension) {
            if (++m_lineBytes > kMaxChunkLineBytes) {
                fail(ErrorCode::BadRequest, "Chunk extension too long");
                break;
            }
        }
        switch (m_part) {
        case Part::Size:
            if (isHexDigit(c)) {
                // 15 significant hex digits are far beyond any body limit; more would overflow.
                if ((m_size != 0 || c != '0') && ++m_sizeDigits > 15) {
                    fail(ErrorCode::BadRequest, "Chunk size too large");
                    break;
                }
                m_size = m_size * 16 + quint64(hexValue(c));
                break;
            }
            if (m_lineBytes == 1) {
                fail(ErrorCode::BadRequest, "Invalid chunk size");
                break;
            }
            m_part = Part::AfterSize;
            [[fallthrough]]; // the first byte after the size
        case Part::AfterSize:
            // BWS is allowed only before a chunk extension (RFC 9112 §7.1.1)
            if (c == ' ' || c == '\t') {
                m_sizeBws = true;
                break;
            }
            if (c == ';')
                m_part = Part::Extension;
            else if (c == '\r' && !m_sizeBws)
                m_part = Part::SizeLf;
            else
                fail(ErrorCode::BadRequest, "Invalid chunk size");
            break;
        case Part::Extension:
            if (c == '\r')
                m_part = Part::SizeLf;
            else if ((c < 0x20 && c != '\t') || c == 0x7f)
                fail(ErrorCode::BadRequest, "Control character in chunk extension");
            break;
        case Part::SizeLf:
            if (c != '\n') {
                fail(ErrorCode::BadRequest, "Malformed chunk size line");
                break;
            }
            m_lineBytes = 0;
            m_sizeDigits = 0;
            m_sizeBws = false;
            if (m_size == 0) {
                m_trailers.startTrailers();
                m_part = Part::Trailers;
            } else {
                m_part = Part::Data;
            }
            break;
        case Part::DataCr:
            if (c != '\r')
                fail(ErrorCode::BadRequest, "Chunk data not followed by CRLF");
            else
                m_part = Part::DataLf;
            break;
        case Part::DataLf:
            if (c != '\n')
                fail(ErrorCode::BadRequest, "Chunk data not followed by CRLF");
            else
                m_part = Part::Size;
            break;
        case Part::Data:
        case Part::Trailers:
            break;
        }
        if (m_state == State::Failed)
            break;
        ++i;
    }
    if (accepted)
        *accepted = i;
    return m_state;
}

} // namespace cr
