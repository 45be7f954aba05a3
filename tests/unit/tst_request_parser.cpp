// The request parser on its own (RequestParser + HeadScanner over http-parser), driven the way
// HttpConnection drives it: setBodyLimit() after HeadComplete, reset() after MessageComplete,
// nothing after Failed. Every input is also fed one byte at a time and split in two at every
// position; the outcome (messages, or the refusal and its code) must not depend on the split.
#include "http/RequestParser.h"

#include <QtTest>

using cr::ErrorCode;
using cr::HeaderList;
using cr::RequestParser;

namespace {

struct Message
{
    QByteArray method;
    QByteArray target;
    QByteArray path;
    QByteArray query;
    int minor = 1;
    HeaderList headers;
    QByteArray body;
    bool keepAlive = true;
    bool upgrade = false;

    bool operator==(const Message &o) const
    {
        return method == o.method && target == o.target && path == o.path && query == o.query &&
               minor == o.minor && headers == o.headers && body == o.body &&
               keepAlive == o.keepAlive && upgrade == o.upgrade;
    }
};
using Messages = QList<Message>;

struct Options
{
    RequestParser::Limits limits;
    qint64 bodyLimit = 1 << 20;
};

struct Outcome
{
    Messages messages;
    bool failed = false;
    ErrorCode code = ErrorCode::Internal;
    QString message;
    QString trouble; // a broken driver invariant
    int heads = 0;

    bool sameAs(const Outcome &o) const
    {
        return messages == o.messages && failed == o.failed && (!failed || code == o.code) &&
               trouble == o.trouble;
    }
};

QString describe(const Outcome &o)
{
    QString s = QStringLiteral("%1 message(s)").arg(o.messages.size());
    for (const Message &m : o.messages) {
        s += QStringLiteral(" [%1 %2 1.%3 body=%4 headers=%5]")
                 .arg(QString::fromLatin1(m.method), QString::fromLatin1(m.target))
                 .arg(m.minor)
                 .arg(QString::fromLatin1(m.body.toPercentEncoding()))
                 .arg(m.headers.size());
    }
    if (o.failed)
        s += QStringLiteral(" failed %1 (%2)")
                 .arg(QString::fromLatin1(cr::errorCodeName(o.code)), o.message);
    if (!o.trouble.isEmpty())
        s += QStringLiteral(" TROUBLE: ") + o.trouble;
    return s;
}

Message snapshot(const cr::HttpRequest &r)
{
    Message m;
    m.method = r.methodText;
    m.target = r.target;
    m.path = r.path;
    m.query = r.query;
    m.minor = r.versionMinor;
    m.headers = r.headers;
    m.body = r.body;
    m.keepAlive = r.keepAlive;
    m.upgrade = r.upgrade;
    return m;
}

// Feeds the pieces in order; bytes the parser does not take are offered again with the next
// piece, as HttpConnection leaves them in the socket buffer.
Outcome drive(const QList<QByteArray> &pieces, const Options &options)
{
    RequestParser parser(options.limits);
    Outcome out;
    QByteArray pending;
    for (const QByteArray &piece : pieces) {
        pending += piece;
        qsizetype pos = 0;
        while (pos < pending.size()) {
            RequestParser::Event event = RequestParser::Event::Failed;
            const qsizetype offered = pending.size() - pos;
            const qsizetype n = parser.feed(pending.constData() + pos, offered, event);
            if (n < 0 || n > offered) {
                out.trouble = QStringLiteral("consumed %1 of %2").arg(n).arg(offered);
                return out;
            }
            pos += n;
            switch (event) {
            case RequestParser::Event::NeedMore:
                if (n != offered) {
                    out.trouble = QStringLiteral("NeedMore after %1 of %2").arg(n).arg(offered);
                    return out;
                }
                break;
            case RequestParser::Event::Failed:
                out.failed = true;
                out.code = parser.error().code;
                out.message = parser.error().message;
                return out;
            case RequestParser::Event::HeadComplete:
                ++out.heads;
                if (parser.inHead())
                    out.trouble = QStringLiteral("inHead() after HeadComplete");
                if (parser.hasBody() !=
                    (parser.contentLength() > 0 ||
                     parser.request().header("transfer-encoding").toLower() == "chunked"))
                    out.trouble = QStringLiteral("hasBody() disagrees with the framing headers");
                parser.setBodyLimit(options.bodyLimit);
                break;
            case RequestParser::Event::MessageComplete:
                out.messages.append(snapshot(parser.request()));
                parser.reset();
                break;
            }
        }
        pending.remove(0, pos);
    }
    return out;
}

Outcome whole(const QByteArray &input, const Options &options)
{
    return drive({input}, options);
}

// Checks that feeding byte by byte and every split in two give the outcome of one feed.
void checkSplits(const QByteArray &input, const Options &options, const Outcome &expected)
{
    QList<QByteArray> bytes;
    for (qsizetype i = 0; i < input.size(); ++i)
        bytes.append(input.mid(i, 1));
    const Outcome byByte = drive(bytes, options);
    QVERIFY2(byByte.sameAs(expected),
             qPrintable(QStringLiteral("byte by byte: ") + describe(byByte) +
                        QStringLiteral(" vs ") + describe(expected)));
    // Long inputs: every split near the ends, a sample in between.
    for (qsizetype k = 1; k < input.size(); k += (k < 256 || input.size() - k < 256) ? 1 : 61) {
        const Outcome split = drive({input.left(k), input.mid(k)}, options);
        QVERIFY2(split.sameAs(expected),
                 qPrintable(QStringLiteral("split at %1: ").arg(k) + describe(split) +
                            QStringLiteral(" vs ") + describe(expected)));
    }
}

HeaderList headers(std::initializer_list<std::pair<const char *, const char *>> list)
{
    HeaderList h;
    for (const auto &p : list)
        h.append({QByteArray(p.first), QByteArray(p.second)});
    return h;
}

Message msg(const char *method, const char *target, HeaderList hs, const QByteArray &body = {},
            int minor = 1)
{
    Message m;
    m.method = method;
    m.target = target;
    const qsizetype q = m.target.indexOf('?');
    m.path = q < 0 ? m.target : m.target.left(q);
    m.query = q < 0 ? QByteArray() : m.target.mid(q + 1);
    m.headers = std::move(hs);
    m.body = body;
    m.minor = minor;
    m.keepAlive = minor == 1;
    return m;
}

Options limits(int uri, int headerBytes, int headerCount, qint64 body = 1 << 20)
{
    Options o;
    o.limits.maxUriBytes = uri;
    o.limits.maxHeaderBytes = headerBytes;
    o.limits.maxHeaderCount = headerCount;
    o.bodyLimit = body;
    return o;
}

// A literal with its embedded NUL bytes.
template<size_t N>
QByteArray raw(const char (&text)[N])
{
    return QByteArray(text, qsizetype(N - 1));
}

const Options kDefaults;

} // namespace

Q_DECLARE_METATYPE(Messages)
Q_DECLARE_METATYPE(Options)
Q_DECLARE_METATYPE(cr::ErrorCode)

class TestRequestParser : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void valid_data();
    void valid();
    void refused_data();
    void refused();
    void bodyInfoAtHead();
    void feedAfterFailure();
    void resetAfterFailure();
    void hugeContentLengthIsNotNegative();
};

void TestRequestParser::valid_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Options>("options");
    QTest::addColumn<Messages>("expected");

    const auto H = [](const char *host = "x") {
        return std::make_pair("host", host);
    };

    QTest::newRow("simple GET") << QByteArray("GET / HTTP/1.1\r\nHost: example.com\r\n\r\n")
                                << kDefaults
                                << Messages{msg("GET", "/", headers({H("example.com")}))};
    QTest::newRow("POST with Content-Length")
        << QByteArray("POST /api/items HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\n"
                      "Content-Length: 13\r\n\r\n{\"a\":[1,2,3]}")
        << kDefaults
        << Messages{
               msg("POST", "/api/items",
                   headers({H(), {"content-type", "application/json"}, {"content-length", "13"}}),
                   "{\"a\":[1,2,3]}")};
    QTest::newRow("Content-Length 0")
        << QByteArray("PUT /a HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n") << kDefaults
        << Messages{msg("PUT", "/a", headers({H(), {"content-length", "0"}}))};
    QTest::newRow("chunked with extensions and trailers")
        << QByteArray("POST /upload HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "5;name=value\r\nhello\r\n6 ; q=\"a b\";r\r\n world\r\n0\r\n"
                      "X-Checksum: abc\r\nX-Other: 1\r\nX-Last: 2\r\n\r\n")
        << kDefaults
        << Messages{msg("POST", "/upload", headers({H(), {"transfer-encoding", "chunked"}}),
                        "hello world")};
    QTest::newRow("chunked, hex sizes, no trailers")
        << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: Chunked\r\n\r\n"
                      "A\r\n0123456789\r\n0b\r\nabcdefghijk\r\n000\r\n\r\n")
        << kDefaults
        << Messages{msg("POST", "/", headers({H(), {"transfer-encoding", "Chunked"}}),
                        "0123456789abcdefghijk")};
    QTest::newRow("two pipelined")
        << QByteArray("GET /a HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /b HTTP/1.1\r\nHost: x\r\nContent-Length: 3\r\n\r\nabc")
        << kDefaults
        << Messages{msg("GET", "/a", headers({H()})),
                    msg("POST", "/b", headers({H(), {"content-length", "3"}}), "abc")};
    QTest::newRow("three pipelined")
        << QByteArray("DELETE /items/1 HTTP/1.1\r\nHost: x\r\n\r\n"
                      "POST /c HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "2\r\nhi\r\n0\r\n\r\n"
                      "HEAD /d?x=1 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
        << kDefaults
        << Messages{msg("DELETE", "/items/1", headers({H()})),
                    msg("POST", "/c", headers({H(), {"transfer-encoding", "chunked"}}), "hi"), [&] {
                        Message m = msg("HEAD", "/d?x=1", headers({H(), {"connection", "close"}}));
                        m.keepAlive = false;
                        return m;
                    }()};
    QTest::newRow("HTTP/1.0 without Host")
        << QByteArray("GET /legacy HTTP/1.0\r\nAccept: */*\r\n\r\n") << kDefaults
        << Messages{msg("GET", "/legacy", headers({{"accept", "*/*"}}), {}, 0)};
    QTest::newRow("HTTP/1.0 keep-alive")
        << QByteArray("GET / HTTP/1.0\r\nConnection: keep-alive\r\n\r\n") << kDefaults
        << Messages{[] {
               Message m = msg("GET", "/", headers({{"connection", "keep-alive"}}), {}, 0);
               m.keepAlive = true;
               return m;
           }()};
    QTest::newRow("query string") << QByteArray(
                                         "GET /search?q=a%20b&x=1 HTTP/1.1\r\nHost: x\r\n\r\n")
                                  << kDefaults
                                  << Messages{msg("GET", "/search?q=a%20b&x=1", headers({H()}))};
    QTest::newRow("empty query") << QByteArray("GET /p? HTTP/1.1\r\nHost: x\r\n\r\n") << kDefaults
                                 << Messages{msg("GET", "/p?", headers({H()}))};
    QTest::newRow("names lower-cased, values trimmed")
        << QByteArray("GET / HTTP/1.1\r\nHOST: x\r\nX-Mixed-Case:   padded value \t\r\n"
                      "x-tab:\tv\t\r\nX-Empty:\r\nX-Inner: a \t b\r\n\r\n")
        << kDefaults
        << Messages{msg("GET", "/",
                        headers({H(),
                                 {"x-mixed-case", "padded value"},
                                 {"x-tab", "v"},
                                 {"x-empty", ""},
                                 {"x-inner", "a \t b"}}))};
    QTest::newRow("obs-text in a value")
        << QByteArray("GET / HTTP/1.1\r\nHost: x\r\nX-Name: caf\xc3\xa9\r\n\r\n") << kDefaults
        << Messages{msg("GET", "/", headers({H(), {"x-name", "caf\xc3\xa9"}}))};
    QTest::newRow("OPTIONS *") << QByteArray("OPTIONS * HTTP/1.1\r\nHost: x\r\n\r\n") << kDefaults
                               << Messages{msg("OPTIONS", "*", headers({H()}))};
    QTest::newRow("leading empty lines") << QByteArray("\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n")
                                         << kDefaults << Messages{msg("GET", "/", headers({H()}))};
    QTest::newRow("upgrade")
        << QByteArray("GET /ws HTTP/1.1\r\nHost: x\r\nConnection: Upgrade\r\n"
                      "Upgrade: websocket\r\n\r\n")
        << kDefaults << Messages{[&] {
               Message m = msg("GET", "/ws",
                               headers({H(), {"connection", "Upgrade"}, {"upgrade", "websocket"}}));
               m.upgrade = true;
               return m;
           }()};
    QTest::newRow("framing trailers change nothing")
        << QByteArray("POST /t HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "1\r\na\r\n0\r\nTransfer-Encoding: gzip\r\nContent-Length: 99\r\n"
                      "Host: y\r\n\r\nGET /next HTTP/1.1\r\nHost: x\r\n\r\n")
        << kDefaults
        << Messages{msg("POST", "/t", headers({H(), {"transfer-encoding", "chunked"}}), "a"),
                    msg("GET", "/next", headers({H()}))};
    QTest::newRow("limits: exactly at them")
        << QByteArray("GET /0123456789 HTTP/1.1\r\nHost: x\r\nA: 1\r\n\r\nPOST / HTTP/1.1\r\n"
                      "Host: x\r\nContent-Length: 4\r\n\r\nbody")
        << limits(11, 64, 3, 4)
        << Messages{msg("GET", "/0123456789", headers({H(), {"a", "1"}})),
                    msg("POST", "/", headers({H(), {"content-length", "4"}}), "body")};
    QTest::newRow("chunked body at the limit")
        << QByteArray("POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                      "2\r\nab\r\n2\r\ncd\r\n0\r\n\r\n")
        << limits(64, 1024, 10, 4)
        << Messages{msg("POST", "/", headers({H(), {"transfer-encoding", "chunked"}}), "abcd")};
}

void TestRequestParser::valid()
{
    QFETCH(QByteArray, input);
    QFETCH(Options, options);
    QFETCH(Messages, expected);

    const Outcome out = whole(input, options);
    QVERIFY2(!out.failed && out.trouble.isEmpty(), qPrintable(describe(out)));
    QCOMPARE(out.messages.size(), expected.size());
    for (int i = 0; i < expected.size(); ++i) {
        const Message &got = out.messages.at(i);
        const Message &want = expected.at(i);
        QCOMPARE(got.method, want.method);
        QCOMPARE(got.target, want.target);
        QCOMPARE(got.path, want.path);
        QCOMPARE(got.query, want.query);
        QCOMPARE(got.minor, want.minor);
        QCOMPARE(got.headers, want.headers);
        QCOMPARE(got.body, want.body);
        QCOMPARE(got.keepAlive, want.keepAlive);
        QCOMPARE(got.upgrade, want.upgrade);
    }
    QCOMPARE(out.heads, expected.size());
    checkSplits(input, options, out);
}

void TestRequestParser::refused_data()
{
    QTest::addColumn<QByteArray>("input");
    QTest::addColumn<Options>("options");
    QTest::addColumn<ErrorCode>("code");
    QTest::addColumn<int>("before"); // complete messages before the refusal

    const auto bad = [](const char *name, const QByteArray &input) {
        QTest::newRow(name) << input << kDefaults << ErrorCode::BadRequest << 0;
    };
    const QByteArray get = "GET / HTTP/1.1\r\nHost: x\r\n";
    const QByteArray post = "POST / HTTP/1.1\r\nHost: x\r\n";
    const QByteArray chunked = post + "Transfer-Encoding: chunked\r\n\r\n";

    // Header line shapes (HeadScanner).
    bad("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n");
    bad("tab before colon", get + "X-A\t: 1\r\n\r\n");
    bad("space inside name", get + "X Y: z\r\n\r\n");
    bad("non-token byte in name", get + "X(Y): z\r\n\r\n");
    bad("obs-fold with SP", get + "X-A: a\r\n b\r\n\r\n");
    bad("obs-fold with HT", get + "X-A: a\r\n\tb\r\n\r\n");
    bad("SP before the first header", "GET / HTTP/1.1\r\n Host: x\r\n\r\n");
    bad("bare LF everywhere", "GET / HTTP/1.1\nHost: x\n\n");
    bad("bare LF in a header line", "GET / HTTP/1.1\r\nHost: x\nX-A: b\r\n\r\n");
    bad("bare LF at head end", get + "\n");
    bad("bare CR", "GET / HTTP/1.1\r\nHost: x\rX-A: b\r\n\r\n");
    bad("bare CR in request line", "GET /\r HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("two spaces before the target", "GET  / HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("two spaces before the version", "GET /  HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("space before the method", " GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("fragment in the target", "GET /x#frag HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("space after a chunk size", chunked + "2 \r\nab\r\n0\r\n\r\n");
    bad("tab after a chunk size", chunked + "2\t\r\nab\r\n0\r\n\r\n");
    bad("line without colon", get + "NoColon\r\n\r\n");
    bad("empty header name", get + ": x\r\n\r\n");
    bad("NUL in value", get + raw("X-A: a\0b\r\n\r\n"));
    bad("SOH in value", get + "X-A: a\x01"
                              "b\r\n\r\n");
    bad("ESC in value", get + "X-A: \x1b[31m\r\n\r\n");
    bad("DEL in value", get + "X-A: a\x7f\r\n\r\n");
    bad("NUL in request line", raw("GET /\0 HTTP/1.1\r\nHost: x\r\n\r\n"));
    bad("too many leading empty lines", "\r\n\r\n\r\n\r\n\r\nGET / HTTP/1.1\r\nHost: x\r\n\r\n");

    // Framing headers (checked at head end).
    bad("two Transfer-Encoding", post + "Transfer-Encoding: chunked\r\n"
                                        "Transfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    bad("TE gzip, chunked", post + "Transfer-Encoding: gzip, chunked\r\n\r\n0\r\n\r\n");
    bad("TE chunked, identity", post + "Transfer-Encoding: chunked, identity\r\n\r\n0\r\n\r\n");
    bad("TE xchunked", post + "Transfer-Encoding: xchunked\r\n\r\n0\r\n\r\n");
    bad("TE identity", post + "Transfer-Encoding: identity\r\n\r\nabc");
    bad("fuzz: TE chunked, then a tab", post + "Transfer-Encoding: chunked\t\r\n\r\n0\r\n\r\n");
    bad("TE chunked, then a space and a tab",
        post + "Transfer-Encoding: chunked \t\r\n\r\n0\r\n\r\n");
    bad("TE empty", post + "Transfer-Encoding:\r\n\r\n");
    bad("TE on HTTP/1.0", "POST / HTTP/1.0\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    bad("CL then TE", post + "Content-Length: 5\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n");
    bad("TE then CL", post + "Transfer-Encoding: chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n");
    bad("duplicate CL, same value", post + "Content-Length: 3\r\nContent-Length: 3\r\n\r\nabc");
    bad("duplicate CL, different values",
        post + "Content-Length: 3\r\nContent-Length: 4\r\n\r\nabcd");
    bad("CL list", post + "Content-Length: 3, 3\r\n\r\nabc");
    bad("CL non-numeric", post + "Content-Length: abc\r\n\r\n");
    bad("CL negative", post + "Content-Length: -1\r\n\r\n");
    bad("CL plus sign", post + "Content-Length: +5\r\n\r\nhello");
    bad("CL hex", post + "Content-Length: 0x10\r\n\r\n");
    bad("CL empty", post + "Content-Length:\r\n\r\n");
    bad("CL with inner space", post + "Content-Length: 1 2\r\n\r\n");
    bad("CL overflow", post + "Content-Length: 18446744073709551616\r\n\r\n");
    bad("missing Host on HTTP/1.1", "GET / HTTP/1.1\r\nAccept: */*\r\n\r\n");
    bad("duplicate Host", get + "Host: y\r\n\r\n");
    bad("duplicate Host on HTTP/1.0", "GET / HTTP/1.0\r\nHost: a\r\nhost: a\r\n\r\n");

    // Request line.
    bad("target without slash", "GET foo HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("absolute-form target", "GET http://example.com/ HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("asterisk with GET", "GET * HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("unknown method", "FOO / HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("lower-case method", "get / HTTP/1.1\r\nHost: x\r\n\r\n");
    bad("TLS handshake", QByteArray::fromHex("16030100a5010000a10303"));
    bad("garbage", "\x01\x02\x03\x04");
    QTest::newRow("HTTP/2.0") << QByteArray("GET / HTTP/2.0\r\nHost: x\r\n\r\n") << kDefaults
                              << ErrorCode::NotImplemented << 0;
    QTest::newRow("HTTP/1.2") << QByteArray("GET / HTTP/1.2\r\nHost: x\r\n\r\n") << kDefaults
                              << ErrorCode::NotImplemented << 0;
    QTest::newRow("HTTP/0.9 request line")
        << QByteArray("GET /\r\n\r\n") << kDefaults << ErrorCode::NotImplemented << 0;

    // Limits.
    QTest::newRow("URI one byte too long")
        << QByteArray("GET /0123456789a HTTP/1.1\r\nHost: x\r\n\r\n") << limits(11, 1024, 10)
        << ErrorCode::UriTooLong << 0;
    QTest::newRow("URI far too long")
        << QByteArray("GET /" + QByteArray(200, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n")
        << limits(16, 1024, 10) << ErrorCode::UriTooLong << 0;
    QTest::newRow("URI too long, then a bad header")
        << QByteArray("GET /" + QByteArray(20, 'a') + " HTTP/1.1\r\nHost : x\r\n\r\n")
        << limits(16, 1024, 10) << ErrorCode::UriTooLong << 0;
    QTest::newRow("URI too long, default limit")
        << QByteArray("GET /" + QByteArray(9000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n") << kDefaults
        << ErrorCode::UriTooLong << 0;
    QTest::newRow("header bytes above the limit")
        << QByteArray(get + "X-Big: " + QByteArray(100, 'b') + "\r\n\r\n") << limits(64, 64, 10)
        << ErrorCode::HeadersTooLarge << 0;
    QTest::newRow("header count above the limit")
        << QByteArray(get + "A: 1\r\nB: 2\r\nC: 3\r\n\r\n") << limits(64, 1024, 3)
        << ErrorCode::HeadersTooLarge << 0;
    QTest::newRow("body above the limit (Content-Length)")
        << QByteArray(post + "Content-Length: 5\r\n\r\nhello") << limits(64, 1024, 10, 4)
        << ErrorCode::PayloadTooLarge << 0;
    QTest::newRow("body above the limit (chunked)")
        << QByteArray(chunked + "3\r\nhel\r\n2\r\nlo\r\n0\r\n\r\n") << limits(64, 1024, 10, 4)
        << ErrorCode::PayloadTooLarge << 0;
    QTest::newRow("second message refused")
        << QByteArray(get + "\r\nGET / HTTP/1.1\r\nHost : x\r\n\r\n") << kDefaults
        << ErrorCode::BadRequest << 1;

    // Chunked framing (http-parser is built without its strict checks).
    bad("chunk data not followed by CRLF", chunked + "5\r\nhelloXX0\r\n\r\n");
    bad("chunk data followed by LF", chunked + "5\r\nhello\n0\r\n\r\n");
    bad("chunk size line ends in CR only", chunked + "5\rXhello\r\n0\r\n\r\n");
    bad("chunk size line ends in LF only", chunked + "5\nhello\r\n0\r\n\r\n");
    bad("chunk size not hex", chunked + "5g\r\nhello\r\n0\r\n\r\n");
    bad("chunk size missing", chunked + "\r\nhello\r\n0\r\n\r\n");
    bad("chunk size with sign", chunked + "+5\r\nhello\r\n0\r\n\r\n");
    bad("chunk size overflow", chunked + "1000000000000000000\r\nhello\r\n0\r\n\r\n");
    bad("chunk extension with bare LF", chunked + "5;a\nb\r\nhello\r\n0\r\n\r\n");
    bad("chunk extension with NUL", chunked + raw("5;a\0\r\nhello\r\n0\r\n\r\n"));
    bad("chunk extension without semicolon", chunked + "5 x\r\nhello\r\n0\r\n\r\n");
    bad("last chunk ends in LF only", chunked + "0\n\r\n");
    bad("trailer with bare LF", chunked + "0\r\nX-A: b\nX-C: d\r\n\r\n");
    bad("trailer with obs-fold", chunked + "0\r\nX-A: b\r\n c\r\n\r\n");
    bad("trailer name with space", chunked + "0\r\nX A: b\r\n\r\n");
    bad("trailer ends in LF only", chunked + "0\r\nX-A: b\r\n\n");
    QTest::newRow("trailers above the byte limit")
        << QByteArray(chunked + "0\r\nX-A: " + QByteArray(200, 'a') + "\r\n\r\n")
        << limits(64, 128, 10) << ErrorCode::HeadersTooLarge << 0;
    QTest::newRow("trailers above the count limit")
        << QByteArray(chunked + "0\r\nA: 1\r\nB: 2\r\nC: 3\r\nD: 4\r\n\r\n") << limits(64, 1024, 3)
        << ErrorCode::HeadersTooLarge << 0;
    // Found by fuzz_request_parser (tests/fuzz/corpus/regress-*).
    QTest::newRow("fuzz: URI limit inside an invalid target")
        << QByteArray("\r\nPATCH " + QByteArray(85, 'i') + "\rhost\n/DTP/T!/ H")
        << limits(64, 512, 12) << ErrorCode::UriTooLong << 0;
    bad("fuzz: trailer named Transfer-Encoding, then bare LF",
        chunked + "0;name=valust: x\r\nTransfer-Encoding: chupload HT\n");
    QTest::newRow("chunk extension too long")
        << QByteArray(chunked + "1;" + QByteArray(5000, 'e') + "\r\na\r\n0\r\n\r\n") << kDefaults
        << ErrorCode::BadRequest << 0;
}

void TestRequestParser::refused()
{
    QFETCH(QByteArray, input);
    QFETCH(Options, options);
    QFETCH(ErrorCode, code);
    QFETCH(int, before);

    const Outcome out = whole(input, options);
    QVERIFY2(out.trouble.isEmpty(), qPrintable(describe(out)));
    QVERIFY2(out.failed, qPrintable(describe(out)));
    QCOMPARE(cr::errorCodeName(out.code), cr::errorCodeName(code));
    QCOMPARE(out.messages.size(), before);
    QVERIFY(!out.message.isEmpty());
    QVERIFY2(!out.message.contains(QLatin1String("HPE_")), qPrintable(out.message));
    QVERIFY2(!out.message.contains(QLatin1String("http_parser"), Qt::CaseInsensitive),
             qPrintable(out.message));
    QVERIFY2(!out.message.contains(QLatin1String("http-parser"), Qt::CaseInsensitive),
             qPrintable(out.message));
    checkSplits(input, options, out);
}

void TestRequestParser::bodyInfoAtHead()
{
    struct Case
    {
        QByteArray input;
        bool hasBody;
        qint64 contentLength;
        QByteArray body;
    };
    const Case cases[] = {
        {"GET / HTTP/1.1\r\nHost: x\r\n\r\n", false, -1, ""},
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 0\r\n\r\n", false, 0, ""},
        {"POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 12\r\n\r\n", true, 12, "hello world!"},
        {"POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n", true, -1,
         "2\r\nab\r\n0\r\nTransfer-Encoding: x\r\n\r\n"},
    };
    for (const Case &c : cases) {
        RequestParser parser(RequestParser::Limits{});
        QVERIFY(!parser.midMessage());
        RequestParser::Event event = RequestParser::Event::NeedMore;
        const qsizetype n = parser.feed(c.input.constData(), c.input.size(), event);
        QVERIFY(n <= c.input.size());
        QCOMPARE(int(event), int(RequestParser::Event::HeadComplete));
        QVERIFY(!parser.inHead());
        QVERIFY(parser.midMessage());
        QCOMPARE(parser.hasBody(), c.hasBody);
        QCOMPARE(parser.contentLength(), c.contentLength);
        // Still what the head declared once the body is read.
        const QByteArray body = c.input.mid(n) + c.body;
        parser.feed(body.constData(), body.size(), event);
        QCOMPARE(int(event), int(RequestParser::Event::MessageComplete));
        QCOMPARE(parser.hasBody(), c.hasBody);
        QCOMPARE(parser.contentLength(), c.contentLength);
    }
}

void TestRequestParser::feedAfterFailure()
{
    RequestParser parser(RequestParser::Limits{});
    const QByteArray input = "GET / HTTP/1.1\r\nHost : x\r\n\r\n";
    RequestParser::Event event = RequestParser::Event::NeedMore;
    parser.feed(input.constData(), input.size(), event);
    QCOMPARE(int(event), int(RequestParser::Event::Failed));
    const QByteArray more = "GET / HTTP/1.1\r\nHost: x\r\n\r\n";
    QCOMPARE(parser.feed(more.constData(), more.size(), event), qsizetype(0));
    QCOMPARE(int(event), int(RequestParser::Event::Failed));
    QCOMPARE(parser.error().code, ErrorCode::BadRequest);
}

void TestRequestParser::resetAfterFailure()
{
    RequestParser parser(RequestParser::Limits{});
    const QByteArray input = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
    RequestParser::Event event = RequestParser::Event::NeedMore;
    qsizetype n = parser.feed(input.constData(), input.size(), event);
    QCOMPARE(int(event), int(RequestParser::Event::HeadComplete));
    const QByteArray body = input.mid(n) + "5\r\nhelloXX";
    parser.feed(body.constData(), body.size(), event);
    QCOMPARE(int(event), int(RequestParser::Event::Failed));
    parser.reset();
    const QByteArray next = "GET /again HTTP/1.1\r\nHost: x\r\n\r\n";
    n = parser.feed(next.constData(), next.size(), event);
    QCOMPARE(int(event), int(RequestParser::Event::HeadComplete));
    QCOMPARE(parser.request().path, QByteArray("/again"));
    parser.feed(next.constData() + n, next.size() - n, event);
    QCOMPARE(int(event), int(RequestParser::Event::MessageComplete));
}

void TestRequestParser::hugeContentLengthIsNotNegative()
{
    RequestParser parser(RequestParser::Limits{});
    const QByteArray input =
        "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 9223372036854775808\r\n\r\n";
    RequestParser::Event event = RequestParser::Event::NeedMore;
    parser.feed(input.constData(), input.size(), event);
    if (event == RequestParser::Event::Failed) {
        QCOMPARE(parser.error().code, ErrorCode::BadRequest);
        return;
    }
    QCOMPARE(int(event), int(RequestParser::Event::HeadComplete));
    QVERIFY(parser.hasBody());
    QVERIFY2(parser.contentLength() > 0, qPrintable(QString::number(parser.contentLength())));
}

QTEST_APPLESS_MAIN(TestRequestParser)
#include "tst_request_parser.moc"
