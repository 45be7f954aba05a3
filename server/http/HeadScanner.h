#pragma once

#include "core/Error.h"

#include <QtGlobal>

namespace cr {

// A byte-level check of one request head (request line and header lines, up to the empty
// line), run before http-parser sees the bytes. It refuses what RFC 9112 forbids and
// http-parser tolerates: bare LF or bare CR line ends, obs-fold (a line starting with space or
// tab), whitespace or other non-token bytes in a field name (also before the colon), an empty
// field name, and control bytes in a field value. It also enforces the header byte and line
// limits (431), counted here because http-parser only has one global byte limit, and the
// request-target limit (414), counted here at the byte that exceeds it so that the refusal does
// not depend on where http-parser happens to hand over the target.
// The same checks apply to the trailer section of a chunked body (startTrailers()).
class HeadScanner
{
public:
    HeadScanner(int maxTargetBytes, int maxHeaderBytes, int maxHeaderCount);

    enum class State
    {
        Scanning,
        Done,
        Failed
    };

    // Scans bytes; stops at the end of the head. Returns the state after these bytes. When
    // accepted is given it receives how many bytes were taken: up to and including the last
    // byte of the head once Done, up to but excluding the refused byte once Failed.
    State scan(const char *data, qsizetype len, qsizetype *accepted = nullptr);
    State state() const { return m_state; }
    ErrorCode errorCode() const { return m_errorCode; }
    const char *errorMessage() const { return m_errorMessage; }
    void reset();
    // Resets for a trailer section: field lines up to the empty line, no request line.
    void startTrailers();

private:
    State fail(ErrorCode code, const char *message);
    State endOfLine();

    enum class Part
    {
        RequestLine,
        Name,
        Value
    };

    enum class LinePart
    {
        Method,
        BeforeTarget,
        Target,
        AfterTarget
    };

    int m_maxTarget;
    int m_maxRequestLine;
    int m_maxHeaderBytes;
    int m_maxHeaderCount;
    State m_state = State::Scanning;
    Part m_part = Part::RequestLine;
    LinePart m_linePart = LinePart::Method;
    qint64 m_targetBytes = 0;
    bool m_sawCr = false;
    bool m_lineStart = true;
    qint64 m_lineBytes = 0;
    qint64 m_headerBytes = 0;
    int m_headerLines = 0;
    int m_leadingEmptyLines = 0;
    ErrorCode m_errorCode = ErrorCode::BadRequest;
    const char *m_errorMessage = "";
};

// A byte-level check of a chunked message body (RFC 9112 §7.1), from the first byte after the
// head to the end of the trailer section, run before http-parser sees the bytes. The
// http-parser build Debian ships is not strict about chunk framing: it takes any two bytes after
// chunk data for CRLF, any byte after the CR of a chunk-size line for LF, bare LF and control
// bytes in chunk extensions, and bare LF or obs-fold in trailers. Each is a framing
// disagreement with a stricter peer (request smuggling), so each is refused here. Trailers get
// the HeadScanner checks and the header byte and line limits.
class ChunkScanner
{
public:
    using State = HeadScanner::State;

    ChunkScanner(int maxHeaderBytes, int maxHeaderCount);

    // As HeadScanner::scan: stops at the end of the body (after the trailer section).
    State scan(const char *data, qsizetype len, qsizetype *accepted = nullptr);
    State state() const { return m_state; }
    ErrorCode errorCode() const { return m_errorCode; }
    const char *errorMessage() const { return m_errorMessage; }
    void reset();

private:
    State fail(ErrorCode code, const char *message);

    enum class Part
    {
        Size,      // chunk-size digits
        AfterSize, // BWS before ";" or CR
        Extension, // after ";" up to CR
        SizeLf,    // the LF of the chunk-size line
        Data,      // chunk-data
        DataCr,    // the CRLF after chunk-data
        DataLf,
        Trailers // the trailer section, up to and including its empty line
    };

    HeadScanner m_trailers;
    State m_state = State::Scanning;
    Part m_part = Part::Size;
    int m_sizeDigits = 0;
    bool m_sizeBws = false; // whitespace after the size: only a ";" may follow
    quint64 m_size = 0;
    qint64 m_lineBytes = 0;
    ErrorCode m_errorCode = ErrorCode::BadRequest;
    const char *m_errorMessage = "";
};

} // namespace cr
