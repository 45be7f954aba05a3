// The route table on its own: literal and typed parameter routes, HEAD, 404/405/OPTIONS with the
// exact Allow header, bad-typed parameters (flagged, not a 404 at match time), empty segments.

#include "http/Router.h"

#include <QTest>

using namespace cr;

namespace {

Route route(Method method, const char *pattern)
{
    Route r;
    r.method = method;
    r.pattern = QString::fromLatin1(pattern);
    r.summary = QString::fromLatin1(pattern);
    return r;
}

} // namespace

class tst_Router : public QObject
{
    Q_OBJECT

private:
    Router m_router;

private Q_SLOTS:
    void initTestCase()
    {
        m_router.add(route(Method::Get, "/"));
        m_router.add(route(Method::Get, "/health"));
        m_router.add(route(Method::Get, "/api/items"));
        m_router.add(route(Method::Post, "/api/items"));
        m_router.add(route(Method::Get, "/api/items/export"));
        m_router.add(route(Method::Get, "/api/items/:id<uuid>"));
        m_router.add(route(Method::Put, "/api/items/:id<uuid>"));
        m_router.add(route(Method::Delete, "/api/items/:id<uuid>"));
        m_router.add(route(Method::Get, "/api/pages/:n<int>"));
        m_router.add(route(Method::Get, "/api/files/:name"));
        m_router.add(route(Method::Get, "/api/files/:name<text>/parts/:part<int>"));
        m_router.add(route(Method::Post, "/api/only-post"));
        m_router.add(route(Method::Get, "/socket.io/"));
    }

    void literalRoutes()
    {
        Router::Match m = m_router.match(Method::Get, "/health");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(m.route);
        QCOMPARE(m.route->pattern, QStringLiteral("/health"));
        QVERIFY(!m.badParameter);
        QVERIFY(m.params.values.isEmpty());

        m = m_router.match(Method::Get, "/");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->pattern, QStringLiteral("/"));

        m = m_router.match(Method::Post, "/api/items");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->method, Method::Post);

        // A literal beats a parameter at the same place.
        m = m_router.match(Method::Get, "/api/items/export");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->pattern, QStringLiteral("/api/items/export"));
    }

    void literalIsExact()
    {
        QCOMPARE(m_router.match(Method::Get, "/Health").kind, Router::Match::Kind::NotFound);
        QCOMPARE(m_router.match(Method::Get, "/healthz").kind, Router::Match::Kind::NotFound);
        QCOMPARE(m_router.match(Method::Get, "/health/").kind, Router::Match::Kind::NotFound);
        QCOMPARE(m_router.match(Method::Get, "/nothing").kind, Router::Match::Kind::NotFound);
        QCOMPARE(m_router.match(Method::Get, "").kind, Router::Match::Kind::NotFound);
        QCOMPARE(m_router.match(Method::Get, "health").kind, Router::Match::Kind::NotFound);
    }

    void trailingSlashPatternIsKept()
    {
        // "/socket.io/" is registered with its slash, as v2 clients send it.
        Router::Match m = m_router.match(Method::Get, "/socket.io/");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->pattern, QStringLiteral("/socket.io/"));
    }

    void uuidParameter()
    {
        const QByteArray id = "0f8fad5b-d9cb-469f-a165-70867728950e";
        Router::Match m = m_router.match(Method::Get, "/api/items/" + id);
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->pattern, QStringLiteral("/api/items/:id<uuid>"));
        QVERIFY(!m.badParameter);
        QCOMPARE(m.params.value(QStringLiteral("id")), QString::fromLatin1(id));
        QCOMPARE(m.params.value(QStringLiteral("missing")), QString());

        m = m_router.match(Method::Delete, "/api/items/" + id.toUpper());
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(!m.badParameter);
    }

    void badTypedParameterIsFlagged_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("not a uuid") << QByteArray("/api/items/abc");
        QTest::newRow("braced uuid")
            << QByteArray("/api/items/{0f8fad5b-d9cb-469f-a165-70867728950e}");
        QTest::newRow("short uuid") << QByteArray("/api/items/0f8fad5b-d9cb-469f-a165-70867728950");
        QTest::newRow("uuid with junk")
            << QByteArray("/api/items/0f8fad5b-d9cb-469f-a165-70867728950ex");
        QTest::newRow("sql") << QByteArray("/api/items/1%27%20OR%201=1");
        QTest::newRow("int word") << QByteArray("/api/pages/ten");
        QTest::newRow("int float") << QByteArray("/api/pages/1.5");
        QTest::newRow("int hex") << QByteArray("/api/pages/0x10");
        QTest::newRow("int plus") << QByteArray("/api/pages/+5");
        QTest::newRow("int space") << QByteArray("/api/pages/%205");
        QTest::newRow("int huge") << QByteArray("/api/pages/99999999999999999999999");
        QTest::newRow("int of files") << QByteArray("/api/files/a/parts/x");
        QTest::newRow("text not utf-8") << QByteArray("/api/files/%ff%fe");
        QTest::newRow("text overlong utf-8") << QByteArray("/api/files/%c0%af");
        QTest::newRow("text nul") << QByteArray("/api/files/a%00b");
        QTest::newRow("text newline") << QByteArray("/api/files/a%0d%0aSet-Cookie");
        QTest::newRow("text del") << QByteArray("/api/files/a%7f");
    }
    void badTypedParameterIsFlagged()
    {
        QFETCH(QByteArray, path);
        const Router::Match m = m_router.match(Method::Get, path);
        // Structurally it is the route: the pipeline decides 401/403 before this becomes 404.
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(m.route);
        QVERIFY(m.badParameter);
    }

    void intParameter()
    {
        Router::Match m = m_router.match(Method::Get, "/api/pages/42");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(!m.badParameter);
        QCOMPARE(m.params.value(QStringLiteral("n")), QStringLiteral("42"));

        m = m_router.match(Method::Get, "/api/pages/-3");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(!m.badParameter);
        QCOMPARE(m.params.value(QStringLiteral("n")).toInt(), -3);
    }

    void textParameterIsPercentDecoded()
    {
        Router::Match m = m_router.match(Method::Get, "/api/files/hello%20world%2Etxt");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(!m.badParameter);
        QCOMPARE(m.params.value(QStringLiteral("name")), QStringLiteral("hello world.txt"));

        // An encoded slash stays inside the one segment.
        m = m_router.match(Method::Get, "/api/files/a%2Fb");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.params.value(QStringLiteral("name")), QStringLiteral("a/b"));

        // UTF-8.
        m = m_router.match(Method::Get, "/api/files/%C3%A9t%C3%A9");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.params.value(QStringLiteral("name")), QString::fromUtf8("\xc3\xa9t\xc3\xa9"));

        // Two typed parameters.
        m = m_router.match(Method::Get, "/api/files/x%41/parts/7");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QVERIFY(!m.badParameter);
        QCOMPARE(m.params.values.size(), 2);
        QCOMPARE(m.params.value(QStringLiteral("name")), QStringLiteral("xA"));
        QCOMPARE(m.params.value(QStringLiteral("part")), QStringLiteral("7"));
    }

    void headMatchesGet()
    {
        Router::Match m = m_router.match(Method::Head, "/health");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->method, Method::Get);

        m = m_router.match(Method::Head, "/api/items/0f8fad5b-d9cb-469f-a165-70867728950e");
        QCOMPARE(m.kind, Router::Match::Kind::Found);
        QCOMPARE(m.route->method, Method::Get);

        // No GET: HEAD is not allowed either.
        m = m_router.match(Method::Head, "/api/only-post");
        QCOMPARE(m.kind, Router::Match::Kind::MethodNotAllowed);
        QCOMPARE(m.allow, QByteArray("POST, OPTIONS"));
    }

    void methodNotAllowedWithAllow_data()
    {
        QTest::addColumn<int>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<QByteArray>("allow");
        QTest::newRow("literal") << int(Method::Delete) << QByteArray("/health")
                                 << QByteArray("GET, HEAD, OPTIONS");
        QTest::newRow("two methods") << int(Method::Patch) << QByteArray("/api/items")
                                     << QByteArray("GET, HEAD, POST, OPTIONS");
        QTest::newRow("patterned")
            << int(Method::Post) << QByteArray("/api/items/0f8fad5b-d9cb-469f-a165-70867728950e")
            << QByteArray("GET, HEAD, PUT, DELETE, OPTIONS");
        QTest::newRow("patterned, bad parameter")
            << int(Method::Patch) << QByteArray("/api/items/nope")
            << QByteArray("GET, HEAD, PUT, DELETE, OPTIONS");
        QTest::newRow("post only")
            << int(Method::Get) << QByteArray("/api/only-post") << QByteArray("POST, OPTIONS");
        QTest::newRow("unknown method")
            << int(Method::Other) << QByteArray("/health") << QByteArray("GET, HEAD, OPTIONS");
    }
    void methodNotAllowedWithAllow()
    {
        QFETCH(int, method);
        QFETCH(QByteArray, path);
        QFETCH(QByteArray, allow);
        const Router::Match m = m_router.match(Method(method), path);
        QCOMPARE(m.kind, Router::Match::Kind::MethodNotAllowed);
        QVERIFY(!m.route);
        QCOMPARE(m.allow, allow);
    }

    void optionsReportsAllow()
    {
        Router::Match m = m_router.match(Method::Options, "/api/items");
        QCOMPARE(m.kind, Router::Match::Kind::MethodNotAllowed); // RouteStage answers 204
        QCOMPARE(m.allow, QByteArray("GET, HEAD, POST, OPTIONS"));

        m = m_router.match(Method::Options, "/nothing");
        QCOMPARE(m.kind, Router::Match::Kind::NotFound);
        QVERIFY(m.allow.isEmpty());
    }

    void emptySegmentsDoNotMatch_data()
    {
        QTest::addColumn<QByteArray>("path");
        QTest::newRow("double slash literal") << QByteArray("//health");
        QTest::newRow("double slash inside") << QByteArray("/api//items");
        QTest::newRow("empty parameter") << QByteArray("/api/items/");
        QTest::newRow("empty parameter, int") << QByteArray("/api/pages/");
        QTest::newRow("double slash before parameter")
            << QByteArray("/api/items//0f8fad5b-d9cb-469f-a165-70867728950e");
        QTest::newRow("trailing slash after parameter")
            << QByteArray("/api/items/0f8fad5b-d9cb-469f-a165-70867728950e/");
        QTest::newRow("empty inner parameter") << QByteArray("/api/files//parts/1");
        QTest::newRow("too many segments") << QByteArray("/api/files/a/b");
        QTest::newRow("too few segments") << QByteArray("/api");
    }
    void emptySegmentsDoNotMatch()
    {
        QFETCH(QByteArray, path);
        const Router::Match m = m_router.match(Method::Get, path);
        QCOMPARE(m.kind, Router::Match::Kind::NotFound);
        QVERIFY(!m.route);
    }

    void routesKeepTheirOrder()
    {
        QCOMPARE(m_router.routes().size(), size_t(13));
        QCOMPARE(m_router.routes().front().pattern, QStringLiteral("/"));
    }
};

QTEST_APPLESS_MAIN(tst_Router)
#include "tst_router.moc"
