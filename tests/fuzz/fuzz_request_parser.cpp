// libFuzzer target: cr::RequestParser (HeadScanner + ChunkScanner over http-parser), driven the
// way HttpConnection drives it: setBodyLimit() after HeadComplete, reset() after
// MessageComplete, nothing after Failed; bytes the parser does not take are offered again with
// the next piece, as they stay in the socket buffer.
//
// Input: one control byte, then the byte stream of a connection.
//   bits 0-4  longest piece the stream is split into (0: one piece), piece lengths pseudo-random
//   bits 5-6  seed of the piece lengths
//   bit 7     limit set (small / tiny)
// Each input runs twice, split and in one piece; both runs must end the same way (the same
// messages, the same refusal), and every feed() must keep the invariants checked below.
// Build and run: scripts/fuzz-smoke.sh (see docs/TESTING.md).
#include "http/RequestParser.h"

#include <QByteArray>
#include <QList>

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>

namespace {

using cr::ErrorCode;
using cr::RequestParser;

struct Config
{
    RequestParser::Limits limits;
    qint64 bodyLimit = 0;
};

struct Message
{
    QByteArray method;
    QByteArray target;
    cr::HeaderList headers;
    QByteArray body;
    int minor = 0;
    bool keepAlive = false;

    bool operator==(const Message &o) const
    {
        return method == o.method && target == o.target && headers == o.headers && body == o.body &&
               minor == o.minor && keepAlive == o.keepAlive;
    }
    bool operator!=(const Message &o) const { return !(*this == o); }
};

struct Outcome
{
    QList<Message> messages;
    bool failed = false;
    ErrorCode code = ErrorCode::Internal;
};

[[noreturn]] void violated(const char *what, const QByteArray &detail = {})
{
    std::fprintf(stderr, "fuzz_request_parser: invariant violated: %s %s\n", what,
                 detail.constData());
    std::abort();
}

void check(bool ok, const char *what)
{
    if (!ok)
        violated(what);
}

bool isTransportCode(ErrorCode code)
{
    switch (code) {
    case ErrorCode::BadRequest:
    case ErrorCode::UriTooLong:
    case ErrorCode::HeadersTooLarge:
    case ErrorCode::PayloadTooLarge:
    case ErrorCode::NotImplemented:
        return true;
    default:
        return false;
    }
}

bool isLowerToken(const QByteArray &name)
{
    if (name.isEmpty())
        return false;
    for (const char c : name) {
        if ((c >= 'A' && c <= 'Z') || c == ' ' || c == '\t' || c == ':' || c == '\r' || c == '\n' ||
            static_cast<unsigned char>(c) < 0x20 || c == 0x7f)
            return false;
    }
    return true;
}

void checkMessage(const cr::HttpRequest &r, const Config &config)
{
    check(r.target.size() <= config.limits.maxUriBytes, "target above maxUriBytes");
    check(r.path.startsWith('/') || r.target == "*", "path does not start with /");
    check(r.versionMajor == 1 && (r.versionMinor == 0 || r.versionMinor == 1), "version");
    check(r.headers.size() <= config.limits.maxHeaderCount, "more headers than maxHeaderCount");
    check(r.body.size() <= config.bodyLimit, "body above the body limit");
    int te = 0, cl = 0, host = 0;
    for (const auto &h : r.headers) {
        if (!isLowerToken(h.first))
            violated("header name", h.first);
        for (const char c : h.second) {
            if (c == '\r' || c == '\n' || c == '\0')
                violated("CR, LF or NUL in a header value", h.second);
        }
        te += h.first == "transfer-encoding";
        cl += h.first == "content-length";
        host += h.first == "host";
    }
    check(te <= 1 && cl <= 1 && !(te && cl), "framing headers");
    check(host <= 1 && (r.versionMinor == 0 || host == 1), "Host");
}

// CR_FUZZ_TRACE=1 when replaying one input: prints every feed() to stderr.
const bool kTrace = std::getenv("CR_FUZZ_TRACE") != nullptr;

Outcome drive(const QList<QByteArray> &pieces, const Config &config)
{
    if (kTrace)
        std::fprintf(stderr, "--- %lld piece(s)\n", static_cast<long long>(pieces.size()));
    RequestParser parser(config.limits);
    Outcome out;
    QByteArray pending;
    for (const QByteArray &piece : pieces) {
        pending += piece;
        qsizetype pos = 0;
        int idle = 0; // feeds in a row that consumed nothing
        while (pos < pending.size()) {
            RequestParser::Event event = RequestParser::Event::NeedMore;
            const qsizetype offered = pending.size() - pos;
            const bool inHead = parser.inHead();
            const qsizetype n = parser.feed(pending.constData() + pos, offered, event);
            if (kTrace) {
                const QByteArray shown = pending.mid(pos, n).toPercentEncoding(" :;/?=");
                std::fprintf(stderr, "feed %lld -> %lld, event %d: %s\n",
                             static_cast<long long>(offered), static_cast<long long>(n), int(event),
                             shown.constData());
            }
            check(n >= 0 && n <= offered, "consumed more than offered");
            pos += n;
            idle = n == 0 ? idle + 1 : 0;
            switch (event) {
            case RequestParser::Event::NeedMore:
                // HttpConnection would offer the same bytes again, forever.
                check(n != 0, "no progress: 0 bytes consumed and NeedMore");
                check(n == offered, "NeedMore with bytes left");
                break;
            case RequestParser::Event::Failed: {
                const cr::Error &e = parser.error();
                check(isTransportCode(e.code), "unexpected error code");
                const QByteArray text = e.message.toUtf8();
                check(!text.isEmpty(), "empty error message");
                if (text.contains("HPE_") || text.contains("http_parser") ||
                    text.contains("http-parser"))
                    violated("parser internals in the error message", text);
                RequestParser::Event again = RequestParser::Event::NeedMore;
                check(parser.feed(pending.constData() + pos, pending.size() - pos, again) == 0 &&
                          again == RequestParser::Event::Failed,
                      "feed after Failed");
                out.failed = true;
                out.code = e.code;
                return out;
            }
            case RequestParser::Event::HeadComplete: {
                check(inHead && !parser.inHead() && parser.midMessage(), "HeadComplete state");
                const qint64 length = parser.contentLength();
                check(length >= -1, "negative Content-Length");
                check(parser.hasBody() ==
                          (length > 0 ||
                           parser.request().header("transfer-encoding").toLower() == "chunked"),
                      "hasBody() disagrees with the framing headers");
                parser.setBodyLimit(config.bodyLimit);
                break;
            }
            case RequestParser::Event::MessageComplete:
                check(!inHead && !parser.inHead(), "MessageComplete before HeadComplete");
                checkMessage(parser.request(), config);
                {
                    const cr::HttpRequest &r = parser.request();
                    out.messages.append(
                        {r.methodText, r.target, r.headers, r.body, r.versionMinor, r.keepAlive});
                }
                parser.reset();
                check(parser.inHead() && !parser.midMessage(), "state after reset()");
                break;
            }
            // HeadComplete can take 0 bytes (the head's last LF comes with the next feed), once.
            check(idle < 3, "no progress: repeated feeds consumed nothing");
        }
        pending.remove(0, pos);
    }
    return out;
}

} // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
    if (size < 1)
        return 0;
    const uint8_t control = data[0];
    const QByteArray stream(reinterpret_cast<const char *>(data + 1), qsizetype(size - 1));

    Config config;
    if (control & 0x80) {
        config.limits = RequestParser::Limits{16, 96, 4};
        config.bodyLimit = 8;
    } else {
        config.limits = RequestParser::Limits{64, 512, 12};
        config.bodyLimit = 256;
    }

    QList<QByteArray> pieces;
    const int longest = control & 0x1f;
    if (longest == 0) {
        pieces.append(stream);
    } else {
        uint32_t state = 0x9e3779b9u ^ (uint32_t(control >> 5) * 0x85ebca6bu) ^ uint32_t(size);
        for (qsizetype pos = 0; pos < stream.size();) {
            state ^= state << 13;
            state ^= state >> 17;
            state ^= state << 5;
            const qsizetype len =
                qMin<qsizetype>(1 + qsizetype(state % uint32_t(longest)), stream.size() - pos);
            pieces.append(stream.mid(pos, len));
            pos += len;
        }
    }

    const Outcome split = drive(pieces, config);
    const Outcome whole = drive({stream}, config);
    if (split.failed != whole.failed || (split.failed && split.code != whole.code))
        violated("the outcome depends on how the stream was split",
                 QByteArray(split.failed ? cr::errorCodeName(split.code) : "not refused") +
                     " (split) vs " +
                     QByteArray(whole.failed ? cr::errorCodeName(whole.code) : "not refused") +
                     " (one piece)");
    if (split.messages.size() != whole.messages.size())
        violated("message count depends on how the stream was split");
    for (qsizetype i = 0; i < split.messages.size(); ++i) {
        if (split.messages.at(i) != whole.messages.at(i))
            violated("a message depends on how the stream was split");
    }
    return 0;
}
