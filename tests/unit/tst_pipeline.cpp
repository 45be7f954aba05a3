// The request pipeline in-process (RequestPipeline::handle, no sockets): the envelope of
// CONTRACT §1, the order of refusals, the JSON body stage, body limits, request ids, security
// headers on the wire, Host check and CORS decisions.

#include "FakeAuthenticator.h"

#include "core/Authenticator.h"
#include "core/Clock.h"
#include "core/Settings.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/RequestPipeline.h"
#include "http/ResponseWriter.h"
#include "http/Router.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

#include <stdexcept>

using namespace cr;

namespace {

const QByteArray kId = "0f8fad5b-d9cb-469f-a165-70867728950e";

struct Wire
{
    int status = 0;
    QList<QPair<QByteArray, QByteArray>> headers; // lower-case names
    QByteArray body;

    QByteArray header(const char *name) const
    {
        for (const auto &h : headers) {
            if (h.first == name)
                return h.second;
        }
        return {};
    }
    int count(const char *name) const
    {
        int n = 0;
        for (const auto &h : headers)
            n += h.first == name ? 1 : 0;
        return n;
    }
};

Wire parseWire(const QByteArray &bytes)
{
    Wire w;
    const qsizetype end = bytes.indexOf("\r\n\r\n");
    if (end < 0)
        return w;
    const QList<QByteArray> lines = bytes.left(end).split('\n');
    w.status = lines.value(0).split(' ').value(1).toInt();
    for (qsizetype i = 1; i < lines.size(); ++i) {
        const QByteArray line = lines[i].trimmed();
        const qsizetype colon = line.indexOf(':');
        if (colon > 0)
            w.headers.append(qMakePair(line.left(colon).toLower(), line.mid(colon + 1).trimmed()));
    }
    w.body = bytes.mid(end + 4);
    return w;
}

HttpRequest request(Method method, const QByteArray &target, const HeaderList &headers = {},
                    const QByteArray &body = QByteArray())
{
    HttpRequest r;
    r.method = method;
    r.methodText = methodName(method);
    r.target = target;
    const qsizetype q = target.indexOf('?');
    r.path = q < 0 ? target : target.left(q);
    r.query = q < 0 ? QByteArray() : target.mid(q + 1);
    r.headers.append(qMakePair(QByteArray("host"), QByteArray("localhost:8080")));
    for (const auto &h : headers) {
        if (h.first == "host")
            r.headers.removeFirst();
        r.headers.append(h);
    }
    r.body = body;
    if (!body.isEmpty())
        r.headers.append(qMakePair(QByteArray("content-length"), QByteArray::number(body.size())));
    r.peer = QHostAddress::LocalHost;
    return r;
}

HeaderList bearer(const QByteArray &token)
{
    return {{"authorization", "Bearer " + token}};
}

QJsonObject json(const RequestPipeline::Exchange &ex)
{
    return QJsonDocument::fromJson(ex.response.body).object();
}

const QRegularExpression kIso(QStringLiteral(R"(^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$)"));

// Shared by every test: settings, clock, routes, writer, pipeline.
struct Fixture
{
    explicit Fixture(Settings s = defaults())
        : settings(std::move(s))
        , writer(settings, clock)
    {
        addRoutes();
        pipeline = std::make_unique<RequestPipeline>(settings, router, &auth, writer);
    }

    static Settings defaults()
    {
        Settings s;
        s.publicHosts = {QStringLiteral("api.example.com")};
        s.corsOrigins = {QStringLiteral("https://app.example.com")};
        s.maxBodyBytes = 1024;
        s.hstsMaxAgeSeconds = 600;
        return s;
    }

    void addRoutes()
    {
        auto add = [this](Method m, const char *pattern, Role role, Handler h,
                          BodyKind body = BodyKind::None, qint64 maxBody = -1) {
            Route r;
            r.method = m;
            r.pattern = QString::fromLatin1(pattern);
            r.minRole = role;
            r.handler = std::move(h);
            r.body = body;
            r.maxBodyBytes = maxBody;
            router.add(std::move(r));
        };
        add(Method::Get, "/api/public", Role::Anonymous, [](RequestContext &, Reply reply) {
            reply.ok({{QStringLiteral("hello"), QStringLiteral("world")},
                      {QStringLiteral("count"), 3},
                      {QStringLiteral("success"), QStringLiteral("spoofed")},
                      {QStringLiteral("data"), QStringLiteral("spoofed")},
                      {QStringLiteral("timestamp"), QStringLiteral("spoofed")}});
        });
        add(Method::Post, "/api/public", Role::Anonymous, [](RequestContext &, Reply reply) {
            reply.ok({{QStringLiteral("created"), true}}, 201);
        });
        add(Method::Get, "/api/whoami", Role::Anonymous, [](RequestContext &ctx, Reply reply) {
            reply.ok({{QStringLiteral("role"), QString::fromLatin1(roleName(ctx.principal.role))}});
        });
        add(Method::Get, "/api/things/:id<uuid>", Role::Viewer,
            [](RequestContext &ctx, Reply reply) {
                reply.ok({{QStringLiteral("id"), ctx.params.value(QStringLiteral("id"))}});
            });
        add(Method::Delete, "/api/things/:id<uuid>", Role::Operator,
            [](RequestContext &, Reply reply) { reply.noContent(); });
        add(Method::Get, "/api/open/:id<uuid>", Role::Anonymous,
            [](RequestContext &, Reply reply) { reply.ok({}); });
        add(
            Method::Post, "/api/echo", Role::Anonymous,
            [](RequestContext &ctx, Reply reply) { reply.ok(ctx.json); }, BodyKind::Json);
        add(
            Method::Post, "/api/small", Role::Anonymous,
            [](RequestContext &, Reply reply) { reply.ok({}); }, BodyKind::Json, 16);
        add(Method::Get, "/api/fields", Role::Anonymous, [](RequestContext &, Reply reply) {
            Error e = Error::make(ErrorCode::ValidationError, QStringLiteral("Invalid input"));
            e.fields.append({QStringLiteral("email"), QStringLiteral("is not an email")});
            reply.fail(e);
        });
        add(Method::Get, "/api/throws", Role::Anonymous, [](RequestContext &, Reply) {
            throw std::runtime_error("secret detail /etc/passwd SELECT * FROM users");
        });
    }

    RequestPipeline::Exchange handle(HttpRequest r) const { return pipeline->handle(std::move(r)); }

    Settings settings;
    ManualClock clock;
    Router router;
    FakeAuthenticator auth;
    ResponseWriter writer;
    std::unique_ptr<RequestPipeline> pipeline;
};

void verifyErrorEnvelope(const RequestPipeline::Exchange &ex, int status, const char *code)
{
    QCOMPARE(ex.response.status, status);
    QCOMPARE(ex.response.contentType, QByteArray("application/json; charset=utf-8"));
    const QJsonObject o = json(ex);
    QCOMPARE(o.value(QStringLiteral("success")), QJsonValue(false));
    QCOMPARE(o.value(QStringLiteral("code")).toString(), QString::fromLatin1(code));
    const QJsonObject error = o.value(QStringLiteral("error")).toObject();
    QCOMPARE(error.value(QStringLiteral("code")).toString(), QString::fromLatin1(code));
    QVERIFY(!error.value(QStringLiteral("message")).toString().isEmpty());
    QCOMPARE(o.value(QStringLiteral("message")), error.value(QStringLiteral("message")));
    QCOMPARE(o.value(QStringLiteral("requestId")).toString().toLatin1(), ex.info.requestId);
    QVERIFY(!ex.info.requestId.isEmpty());
    QVERIFY(kIso.match(o.value(QStringLiteral("timestamp")).toString()).hasMatch());
    const Wire w = parseWire(ex.wire);
    QCOMPARE(w.status, status);
    QCOMPARE(w.header("x-request-id"), ex.info.requestId);
}

} // namespace

class tst_Pipeline : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void stageOrder()
    {
        Fixture f;
        QCOMPARE(f.pipeline->stageNames(),
                 QStringList({QStringLiteral("request-id"), QStringLiteral("host-check"),
                              QStringLiteral("cors"), QStringLiteral("ip-rate-limit"),
                              QStringLiteral("route"), QStringLiteral("authenticate"),
                              QStringLiteral("principal-rate-limit"), QStringLiteral("authorize"),
                              QStringLiteral("body-limit"), QStringLiteral("json-body")}));
    }

    void successEnvelope()
    {
        Fixture f;
        const auto ex = f.handle(request(Method::Get, "/api/public"));
        QCOMPARE(ex.response.status, 200);
        const QJsonObject o = json(ex);
        QCOMPARE(o.value(QStringLiteral("success")), QJsonValue(true));
        const QJsonObject data = o.value(QStringLiteral("data")).toObject();
        QCOMPARE(data.value(QStringLiteral("hello")).toString(), QStringLiteral("world"));
        QCOMPARE(data.value(QStringLiteral("count")).toInt(), 3);
        QCOMPARE(data.value(QStringLiteral("success")).toString(), QStringLiteral("spoofed"));
        // v2: data's keys also at the top level, never overwriting success/data/timestamp.
        QCOMPARE(o.value(QStringLiteral("hello")).toString(), QStringLiteral("world"));
        QCOMPARE(o.value(QStringLiteral("count")).toInt(), 3);
        QVERIFY(o.value(QStringLiteral("data")).isObject());
        // The ManualClock starts at 2026-01-01T00:00:00Z and has moved 1000 ms.
        QCOMPARE(o.value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2026-01-01T00:00:01.000Z"));
        QVERIFY(!o.contains(QStringLiteral("error")));
        QVERIFY(!o.contains(QStringLiteral("requestId")));

        f.clock.advance(1234);
        const auto later = f.handle(request(Method::Get, "/api/public"));
        QCOMPARE(json(later).value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2026-01-01T00:00:02.234Z"));

        const auto created = f.handle(request(Method::Post, "/api/public"));
        QCOMPARE(created.response.status, 201);
        QCOMPARE(json(created).value(QStringLiteral("created")), QJsonValue(true));
    }

    void topLevelCopyCanBeSwitchedOff()
    {
        Settings s = Fixture::defaults();
        s.envelopeTopLevelCopy = false;
        Fixture f(s);
        const QJsonObject o = json(f.handle(request(Method::Get, "/api/public")));
        QCOMPARE(o.keys(), QStringList({QStringLiteral("data"), QStringLiteral("success"),
                                        QStringLiteral("timestamp")}));
        QCOMPARE(o.value(QStringLiteral("data")).toObject().value(QStringLiteral("hello")),
                 QJsonValue(QStringLiteral("world")));
    }

    void errorEnvelope()
    {
        Fixture f;
        const auto ex = f.handle(request(Method::Get, "/api/fields"));
        verifyErrorEnvelope(ex, 400, "VALIDATION_ERROR");
        const QJsonObject o = json(ex);
        QCOMPARE(o.value(QStringLiteral("message")).toString(), QStringLiteral("Invalid input"));
        const QJsonArray fields =
            o.value(QStringLiteral("error")).toObject().value(QStringLiteral("fields")).toArray();
        QCOMPARE(fields.size(), 1);
        QCOMPARE(fields.at(0).toObject().value(QStringLiteral("field")).toString(),
                 QStringLiteral("email"));
        QCOMPARE(o.value(QStringLiteral("timestamp")).toString(),
                 QStringLiteral("2026-01-01T00:00:01.000Z"));
    }

    void handlerExceptionIsInternalWithoutDetails()
    {
        Fixture f;
        QTest::ignoreMessage(QtWarningMsg,
                             QRegularExpression(QStringLiteral("handler for .* threw")));
        const auto ex = f.handle(request(Method::Get, "/api/throws"));
        verifyErrorEnvelope(ex, 500, "INTERNAL");
        QVERIFY(!ex.wire.contains("passwd"));
        QVERIFY(!ex.wire.contains("SELECT"));
        QVERIFY(!ex.wire.contains("runtime_error"));
    }

    void refusalOrder_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QByteArray>("target");
        QTest::addColumn<QByteArray>("token");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("code");

        const QByteArray thing = "/api/things/" + kId;
        // Unknown path and wrong method come before authentication.
        QTest::newRow("unknown path, no token") << int(Method::Get) << QByteArray("/api/nothing")
                                                << QByteArray() << 404 << QByteArray("NOT_FOUND");
        QTest::newRow("unknown path, bad token")
            << int(Method::Get) << QByteArray("/api/nothing") << QByteArray("bad") << 404
            << QByteArray("NOT_FOUND");
        QTest::newRow("wrong method, bad token") << int(Method::Patch) << thing << QByteArray("bad")
                                                 << 405 << QByteArray("METHOD_NOT_ALLOWED");
        QTest::newRow("wrong method, no token")
            << int(Method::Put) << thing << QByteArray() << 405 << QByteArray("METHOD_NOT_ALLOWED");
        // Then 401.
        QTest::newRow("no token") << int(Method::Get) << thing << QByteArray() << 401
                                  << QByteArray("UNAUTHORIZED");
        QTest::newRow("bad token")
            << int(Method::Get) << thing << QByteArray("bad") << 401 << QByteArray("UNAUTHORIZED");
        // A public route ignores a stale or wrong token (v2 clients send one with a refresh).
        QTest::newRow("bad token on a public route")
            << int(Method::Get) << QByteArray("/api/public") << QByteArray("bad") << 200
            << QByteArray();
        // Then 403.
        QTest::newRow("developer deletes")
            << int(Method::Delete) << thing << QByteArray("dev") << 403 << QByteArray("FORBIDDEN");
        QTest::newRow("developer deletes a non-uuid")
            << int(Method::Delete) << QByteArray("/api/things/42") << QByteArray("dev") << 403
            << QByteArray("FORBIDDEN");
        // Then 404: a non-UUID id is 401 without a token and 404 with one.
        QTest::newRow("non-uuid, no token") << int(Method::Get) << QByteArray("/api/things/42")
                                            << QByteArray() << 401 << QByteArray("UNAUTHORIZED");
        QTest::newRow("non-uuid, token") << int(Method::Get) << QByteArray("/api/things/42")
                                         << QByteArray("dev") << 404 << QByteArray("NOT_FOUND");
        QTest::newRow("non-uuid, public route") << int(Method::Get) << QByteArray("/api/open/nope")
                                                << QByteArray() << 404 << QByteArray("NOT_FOUND");
        QTest::newRow("operator deletes a non-uuid")
            << int(Method::Delete) << QByteArray("/api/things/zzz") << QByteArray("op") << 404
            << QByteArray("NOT_FOUND");
    }
    void refusalOrder()
    {
        QFETCH(int, method);
        QFETCH(QByteArray, target);
        QFETCH(QByteArray, token);
        QFETCH(int, status);
        QFETCH(QByteArray, code);
        Fixture f;
        const auto ex = f.handle(
            request(Method(method), target, token.isEmpty() ? HeaderList() : bearer(token)));
        if (code.isEmpty()) { // allowed through
            QCOMPARE(ex.response.status, status);
            return;
        }
        verifyErrorEnvelope(ex, status, code.constData());
        // A 404 never echoes the path.
        QVERIFY(!ex.response.body.contains("nothing"));
    }

    void allowedRequests()
    {
        Fixture f;
        auto ex = f.handle(request(Method::Get, "/api/things/" + kId, bearer("dev")));
        QCOMPARE(ex.response.status, 200);
        QCOMPARE(json(ex).value(QStringLiteral("id")).toString().toLatin1(), kId);

        ex = f.handle(request(Method::Delete, "/api/things/" + kId, bearer("op")));
        QCOMPARE(ex.response.status, 204);
        const Wire w = parseWire(ex.wire);
        QCOMPARE(w.status, 204);
        QVERIFY(w.header("content-length").isNull());
        QVERIFY(w.header("content-type").isNull());
        QVERIFY(w.body.isEmpty());

        ex = f.handle(request(Method::Get, "/api/whoami", bearer("op")));
        QCOMPARE(json(ex).value(QStringLiteral("role")).toString(), QStringLiteral("operator"));
        ex = f.handle(request(Method::Get, "/api/whoami"));
        QCOMPARE(json(ex).value(QStringLiteral("role")).toString(), QStringLiteral("anonymous"));
        ex = f.handle(request(Method::Get, "/api/whoami", {{"authorization", "bearer   dev  "}}));
        QCOMPARE(json(ex).value(QStringLiteral("role")).toString(), QStringLiteral("developer"));
    }

    void malformedAuthorization_data()
    {
        QTest::addColumn<QByteArray>("header");
        QTest::newRow("empty") << QByteArray("");
        QTest::newRow("basic") << QByteArray("Basic dXNlcjpwYXNz");
        QTest::newRow("bearer only") << QByteArray("Bearer");
        QTest::newRow("bearer space") << QByteArray("Bearer    ");
        QTest::newRow("token only") << QByteArray("dev");
    }
    void malformedAuthorization()
    {
        QFETCH(QByteArray, header);
        Fixture f;
        verifyErrorEnvelope(
            f.handle(request(Method::Get, "/api/whoami", {{"authorization", header}})), 401,
            "UNAUTHORIZED");
    }

    void methodNotAllowedCarriesAllow()
    {
        Fixture f;
        const auto ex = f.handle(request(Method::Put, "/api/public"));
        verifyErrorEnvelope(ex, 405, "METHOD_NOT_ALLOWED");
        const Wire w = parseWire(ex.wire);
        QCOMPARE(w.header("allow"), QByteArray("GET, HEAD, POST, OPTIONS"));
        QCOMPARE(w.count("allow"), 1);
    }

    void optionsAnswers204WithAllow()
    {
        Fixture f;
        const auto ex = f.handle(request(Method::Options, "/api/things/" + kId));
        QCOMPARE(ex.response.status, 204);
        const Wire w = parseWire(ex.wire);
        QCOMPARE(w.header("allow"), QByteArray("GET, HEAD, DELETE, OPTIONS"));
        QVERIFY(w.body.isEmpty());
        QVERIFY(!w.header("x-request-id").isEmpty());

        verifyErrorEnvelope(f.handle(request(Method::Options, "/api/nothing")), 404, "NOT_FOUND");
    }

    void headHasNoBodyOnTheWire()
    {
        Fixture f;
        const auto get = f.handle(request(Method::Get, "/api/public"));
        const auto head = f.handle(request(Method::Head, "/api/public"));
        QCOMPARE(head.response.status, 200);
        const Wire w = parseWire(head.wire);
        QCOMPARE(w.status, 200);
        QVERIFY(w.body.isEmpty());
        QCOMPARE(w.header("content-length"), QByteArray::number(get.response.body.size()));
        QCOMPARE(w.header("content-type"), QByteArray("application/json; charset=utf-8"));
    }

    void jsonBody_data()
    {
        QTest::addColumn<QByteArray>("contentType");
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<int>("status");
        QTest::addColumn<QByteArray>("code");
        QTest::newRow("object") << QByteArray("application/json") << QByteArray(R"({"a":1})") << 200
                                << QByteArray();
        QTest::newRow("charset and case") << QByteArray("Application/JSON ; charset=UTF-8")
                                          << QByteArray(R"({"a":1})") << 200 << QByteArray();
        QTest::newRow("empty body") << QByteArray() << QByteArray() << 200 << QByteArray();
        QTest::newRow("no content type") << QByteArray() << QByteArray(R"({"a":1})") << 415
                                         << QByteArray("UNSUPPORTED_MEDIA_TYPE");
        QTest::newRow("text/plain") << QByteArray("text/plain") << QByteArray(R"({"a":1})") << 415
                                    << QByteArray("UNSUPPORTED_MEDIA_TYPE");
        QTest::newRow("json-ish") << QByteArray("application/jsonx") << QByteArray(R"({"a":1})")
                                  << 415 << QByteArray("UNSUPPORTED_MEDIA_TYPE");
        QTest::newRow("form") << QByteArray("application/x-www-form-urlencoded")
                              << QByteArray("a=1") << 415 << QByteArray("UNSUPPORTED_MEDIA_TYPE");
        QTest::newRow("broken") << QByteArray("application/json") << QByteArray(R"({"a":)") << 400
                                << QByteArray("INVALID_JSON");
        QTest::newRow("trailing garbage")
            << QByteArray("application/json") << QByteArray(R"({"a":1} x)") << 400
            << QByteArray("INVALID_JSON");
        QTest::newRow("array") << QByteArray("application/json") << QByteArray("[1,2]") << 400
                               << QByteArray("VALIDATION_ERROR");
        QTest::newRow("number") << QByteArray("application/json") << QByteArray("42") << 400
                                << QByteArray("VALIDATION_ERROR");
        QTest::newRow("string") << QByteArray("application/json") << QByteArray("\"x\"") << 400
                                << QByteArray("VALIDATION_ERROR");
    }
    void jsonBody()
    {
        QFETCH(QByteArray, contentType);
        QFETCH(QByteArray, body);
        QFETCH(int, status);
        QFETCH(QByteArray, code);
        Fixture f;
        HeaderList headers;
        if (!contentType.isEmpty())
            headers.append(qMakePair(QByteArray("content-type"), contentType));
        const auto ex = f.handle(request(Method::Post, "/api/echo", headers, body));
        if (code.isEmpty()) {
            QCOMPARE(ex.response.status, status);
            const QJsonObject data = json(ex).value(QStringLiteral("data")).toObject();
            QCOMPARE(data, QJsonDocument::fromJson(body.isEmpty() ? "{}" : body).object());
            return;
        }
        verifyErrorEnvelope(ex, status, code.constData());
        if (code == "INVALID_JSON") {
            // No parser details: no offsets, no Qt error text.
            const QString message = json(ex).value(QStringLiteral("message")).toString();
            QCOMPARE(message, QStringLiteral("Request body is not valid JSON"));
            QVERIFY(!ex.response.body.contains("offset"));
            QVERIFY(!ex.response.body.contains("unterminated"));
        }
    }

    void bodyLimit()
    {
        Fixture f; // maxBodyBytes = 1024; /api/small allows 16
        const QByteArray big = "{\"a\":\"" + QByteArray(2000, 'x') + "\"}";
        HeaderList json = {{"content-type", "application/json"}};
        verifyErrorEnvelope(f.handle(request(Method::Post, "/api/echo", json, big)), 413,
                            "PAYLOAD_TOO_LARGE");
        const QByteArray medium = "{\"a\":\"" + QByteArray(100, 'x') + "\"}";
        QCOMPARE(f.handle(request(Method::Post, "/api/echo", json, medium)).response.status, 200);
        verifyErrorEnvelope(f.handle(request(Method::Post, "/api/small", json, medium)), 413,
                            "PAYLOAD_TOO_LARGE");
        QCOMPARE(f.handle(request(Method::Post, "/api/small", json, "{}")).response.status, 200);

        // A declared length above the limit is refused before the body is read.
        HttpRequest declared = request(Method::Post, "/api/echo", json);
        declared.headers.append(qMakePair(QByteArray("content-length"), QByteArray("999999")));
        verifyErrorEnvelope(f.handle(declared), 413, "PAYLOAD_TOO_LARGE");
        HttpRequest garbage = request(Method::Post, "/api/echo", json);
        garbage.headers.append(qMakePair(QByteArray("content-length"), QByteArray("12abc")));
        verifyErrorEnvelope(f.handle(garbage), 413, "PAYLOAD_TOO_LARGE");

        // The limit comes after authentication: a 401 is not hidden by a 413.
        HttpRequest anonymous = request(Method::Delete, "/api/things/" + kId);
        anonymous.headers.append(qMakePair(QByteArray("content-length"), QByteArray("999999")));
        verifyErrorEnvelope(f.handle(anonymous), 401, "UNAUTHORIZED");
    }

    void requestIds_data()
    {
        QTest::addColumn<QByteArray>("incoming");
        QTest::addColumn<bool>("echoed");
        QTest::newRow("plain") << QByteArray("abc-123_X.y") << true;
        QTest::newRow("64 chars") << QByteArray(64, 'a') << true;
        QTest::newRow("65 chars") << QByteArray(65, 'a') << false;
        QTest::newRow("space") << QByteArray("abc 123") << false;
        QTest::newRow("header injection") << QByteArray("abc\r\nSet-Cookie: x=1") << false;
        QTest::newRow("slash") << QByteArray("a/b") << false;
        QTest::newRow("unicode") << QByteArray("caf\xc3\xa9") << false;
        QTest::newRow("empty") << QByteArray("") << false;
    }
    void requestIds()
    {
        QFETCH(QByteArray, incoming);
        QFETCH(bool, echoed);
        Fixture f;
        for (const char *target : {"/api/public", "/api/nothing"}) {
            const auto ex = f.handle(request(Method::Get, target, {{"x-request-id", incoming}}));
            const Wire w = parseWire(ex.wire);
            QCOMPARE(w.count("x-request-id"), 1);
            if (echoed) {
                QCOMPARE(w.header("x-request-id"), incoming);
            } else {
                QVERIFY(w.header("x-request-id") != incoming);
                QVERIFY(!w.header("x-request-id").isEmpty());
                QVERIFY(!ex.wire.contains("Set-Cookie"));
            }
            if (ex.response.status == 404)
                QCOMPARE(json(ex).value(QStringLiteral("requestId")).toString().toLatin1(),
                         w.header("x-request-id"));
        }
    }

    void generatedRequestIdsDiffer()
    {
        Fixture f;
        const auto a = f.handle(request(Method::Get, "/api/public"));
        const auto b = f.handle(request(Method::Get, "/api/public"));
        QVERIFY(!a.info.requestId.isEmpty());
        QVERIFY(a.info.requestId != b.info.requestId);
    }

    void securityHeadersOnTheWire()
    {
        Fixture f;
        const QList<QByteArray> targets = {"/api/public", "/api/nothing", "/api/fields"};
        for (const QByteArray &target : targets) {
            const Wire w = parseWire(f.handle(request(Method::Get, target)).wire);
            QVERIFY2(w.status != 0, target.constData());
            QCOMPARE(w.header("content-security-policy"),
                     QByteArray("default-src 'none'; frame-ancestors 'none'"));
            QCOMPARE(w.header("x-frame-options"), QByteArray("DENY"));
            QCOMPARE(w.header("x-content-type-options"), QByteArray("nosniff"));
            QCOMPARE(w.header("referrer-policy"), QByteArray("no-referrer"));
            QCOMPARE(w.header("cache-control"), QByteArray("no-store"));
            QCOMPARE(w.header("strict-transport-security"),
                     QByteArray("max-age=600; includeSubDomains"));
            QCOMPARE(w.header("vary"), QByteArray("Origin"));
            QVERIFY(!w.header("date").isEmpty());
            QVERIFY(w.header("date").endsWith(" GMT"));
            QCOMPARE(w.count("content-length"), 1);
            QCOMPARE(w.header("content-length").toInt(), w.body.size());
        }
        const Wire w = parseWire(f.handle(request(Method::Get, "/api/public")).wire);
        QCOMPARE(w.header("date"), QByteArray("Thu, 01 Jan 2026 00:00:01 GMT"));
    }

    void hostCheck_data()
    {
        QTest::addColumn<QByteArray>("host");
        QTest::addColumn<bool>("allowed");
        QTest::newRow("localhost") << QByteArray("localhost") << true;
        QTest::newRow("localhost:port") << QByteArray("localhost:8080") << true;
        QTest::newRow("LOCALHOST") << QByteArray("LOCALHOST:1") << true;
        QTest::newRow("127.0.0.1") << QByteArray("127.0.0.1:8080") << true;
        QTest::newRow("[::1]") << QByteArray("[::1]:8080") << true;
        QTest::newRow("public host") << QByteArray("api.example.com") << true;
        QTest::newRow("public host:443") << QByteArray("API.example.com:443") << true;
        QTest::newRow("evil") << QByteArray("evil.example") << false;
        QTest::newRow("suffix") << QByteArray("api.example.com.evil.example") << false;
        QTest::newRow("bad port") << QByteArray("localhost:99999") << false;
        QTest::newRow("empty port") << QByteArray("localhost:") << false;
        QTest::newRow("port sign") << QByteArray("localhost:+80") << false;
        QTest::newRow("empty") << QByteArray("") << false;
        QTest::newRow("unclosed v6") << QByteArray("[::1") << false;
        QTest::newRow("userinfo") << QByteArray("user@localhost") << false;
    }
    void hostCheck()
    {
        QFETCH(QByteArray, host);
        QFETCH(bool, allowed);
        Fixture f;
        const auto ex = f.handle(request(Method::Get, "/api/public", {{"host", host}}));
        if (allowed) {
            QCOMPARE(ex.response.status, 200);
        } else {
            verifyErrorEnvelope(ex, 400, "HOST_NOT_ALLOWED");
        }
        // The host check comes before routing: an unknown path with a bad Host is a 400.
        if (!allowed)
            verifyErrorEnvelope(f.handle(request(Method::Get, "/api/nothing", {{"host", host}})),
                                400, "HOST_NOT_ALLOWED");
    }

    void http10WithoutHost()
    {
        Fixture f;
        HttpRequest r = request(Method::Get, "/api/public");
        r.headers.clear();
        r.versionMinor = 0;
        QCOMPARE(f.handle(r).response.status, 200);
    }

    void corsAllowedOrigin()
    {
        Fixture f;
        const auto ex =
            f.handle(request(Method::Get, "/api/public", {{"origin", "https://app.example.com"}}));
        QCOMPARE(ex.response.status, 200);
        const Wire w = parseWire(ex.wire);
        QCOMPARE(w.header("access-control-allow-origin"), QByteArray("https://app.example.com"));
        const QByteArray exposed = w.header("access-control-expose-headers");
        for (const char *h : {"RateLimit", "RateLimit-Policy", "Retry-After", "X-Request-Id"})
            QVERIFY2(exposed.split(',').contains(QByteArray(h)) ||
                         exposed.split(',').contains(' ' + QByteArray(h)),
                     h);
        QVERIFY(w.header("access-control-allow-credentials").isNull());

        // Case-insensitive match; state-changing methods are allowed too.
        const auto post =
            f.handle(request(Method::Post, "/api/public", {{"origin", "HTTPS://APP.example.com"}}));
        QCOMPARE(post.response.status, 201);
        QVERIFY(!parseWire(post.wire).header("access-control-allow-origin").isEmpty());

        // Errors carry the CORS headers too, so browsers can read them.
        const auto missing =
            f.handle(request(Method::Get, "/api/nothing", {{"origin", "https://app.example.com"}}));
        QCOMPARE(missing.response.status, 404);
        QCOMPARE(parseWire(missing.wire).header("access-control-allow-origin"),
                 QByteArray("https://app.example.com"));
    }

    void corsDisallowedOrigin()
    {
        Fixture f;
        // Safe methods: answered, without CORS headers.
        const auto get =
            f.handle(request(Method::Get, "/api/public", {{"origin", "https://evil.example"}}));
        QCOMPARE(get.response.status, 200);
        QVERIFY(parseWire(get.wire).header("access-control-allow-origin").isNull());

        // State-changing methods: refused.
        const auto post =
            f.handle(request(Method::Post, "/api/public", {{"origin", "https://evil.example"}}));
        verifyErrorEnvelope(post, 403, "ORIGIN_NOT_ALLOWED");
        QVERIFY(parseWire(post.wire).header("access-control-allow-origin").isNull());

        // "null" is never allowed.
        verifyErrorEnvelope(f.handle(request(Method::Post, "/api/public", {{"origin", "null"}})),
                            403, "ORIGIN_NOT_ALLOWED");
        // A prefix of an allowed origin is not allowed.
        verifyErrorEnvelope(f.handle(request(Method::Post, "/api/public",
                                             {{"origin", "https://app.example.com.evil"}})),
                            403, "ORIGIN_NOT_ALLOWED");

        // No Origin at all (not a browser): nothing to check.
        QCOMPARE(f.handle(request(Method::Post, "/api/public")).response.status, 201);
    }

    void corsPreflight()
    {
        Fixture f;
        const auto allowed = f.handle(request(
            Method::Options, "/api/public",
            {{"origin", "https://app.example.com"}, {"access-control-request-method", "POST"}}));
        QCOMPARE(allowed.response.status, 204);
        Wire w = parseWire(allowed.wire);
        QCOMPARE(w.header("access-control-allow-origin"), QByteArray("https://app.example.com"));
        QVERIFY(w.header("access-control-allow-methods").contains("POST"));
        QVERIFY(w.header("access-control-allow-headers").toLower().contains("authorization"));
        QVERIFY(!w.header("access-control-max-age").isEmpty());
        QVERIFY(w.body.isEmpty());

        const auto refused = f.handle(request(
            Method::Options, "/api/public",
            {{"origin", "https://evil.example"}, {"access-control-request-method", "POST"}}));
        QCOMPARE(refused.response.status, 204);
        w = parseWire(refused.wire);
        QVERIFY(w.header("access-control-allow-origin").isNull());
        QVERIFY(w.header("access-control-allow-methods").isNull());
    }

    void corsNothingConfigured()
    {
        Settings s = Fixture::defaults();
        s.corsOrigins.clear();
        Fixture f(s);
        const auto get =
            f.handle(request(Method::Get, "/api/public", {{"origin", "https://app.example.com"}}));
        QCOMPARE(get.response.status, 200);
        QVERIFY(parseWire(get.wire).header("access-control-allow-origin").isNull());
        verifyErrorEnvelope(
            f.handle(request(Method::Post, "/api/public", {{"origin", "https://app.example.com"}})),
            403, "ORIGIN_NOT_ALLOWED");
    }
};

QTEST_GUILESS_MAIN(tst_Pipeline)
#include "tst_pipeline.moc"
