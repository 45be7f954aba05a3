#pragma once

#include "core/Error.h"

#include <QtGlobal>

namespace cr {

// A byte-level check of one request head (request line and header lines, up to the empty
// line), run before http-parser sees the bytes. It refuses what RFC 9112 forbids and
// http-parser tolerates: bare LF or bare CR line ends, obs-fold (a line starting with space or
// tab), whitespace or other non-token bytes in a field name (also before the colon), an empty
// field name, and control bytes in a field value. It also enforces the header byte and line
// limits (431), counted here because http-parser only has one global byte limit.
class HeadScanner
{
public:
    HeadScanner(int maxRequestLineBytes, int maxHeaderBytes, int maxHeaderCount);

    enum class State
    {
        Scanning,
        Done,
        Failed
    };

    // Scans bytes; stops at the end of the head. Returns the state after these bytes.
    State scan(const char *data, qsizetype len);
    State state() const { return m_state; }
    ErrorCode errorCode() const { return m_errorCode; }
    const char *errorMessage() const { return m_errorMessage; }
    void reset();

private:
    State fail(ErrorCode code, const char *message);
    State endOfLine();

    enum class Part
    {
        RequestLine,
        Name,
        Value
    };

    int m_maxRequestLine;
    int m_maxHeaderBytes;
    int m_maxHeaderCount;
    State m_state = State::Scanning;
    Part m_part = Part::RequestLine;
    bool m_sawCr = false;
    bool m_lineStart = true;
    qint64 m_lineBytes = 0;
    qint64 m_headerBytes = 0;
    int m_headerLines = 0;
    int m_leadingEmptyLines = 0;
    ErrorCode m_errorCode = ErrorCode::BadRequest;
    const char *m_errorMessage = "";
};

} // namespace cr
