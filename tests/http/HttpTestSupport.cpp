#include "HttpTestSupport.h"

#include "http/RequestContext.h"
#include "http/Router.h"

#include <QJsonObject>
#include <QThread>
#include <QTimer>

namespace httptest {

void Parking::add(const cr::Reply &reply)
{
    auto *anchor = new QObject;
    QObject::connect(QThread::currentThread(), &QThread::finished, anchor, &QObject::deleteLater);
    std::lock_guard<std::mutex> lock(m_mutex);
    m_entries.push_back(Entry{reply, anchor});
}

int Parking::count() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return int(m_entries.size());
}

bool Parking::releaseOne(bool inHandlerThread)
{
    std::vector<Entry> taken;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_entries.empty())
            return false;
        taken.push_back(m_entries.front());
        m_entries.erase(m_entries.begin());
    }
    const cr::Reply reply = taken.front().reply;
    const QPointer<QObject> anchor = taken.front().anchor;
    auto answer = [reply, anchor] {
        reply.ok(QJsonObject{{QStringLiteral("parked"), true}});
        if (anchor)
            anchor->deleteLater();
    };
    if (inHandlerThread && anchor)
        QMetaObject::invokeMethod(anchor, answer, Qt::QueuedConnection);
    else
        answer();
    return true;
}

void Parking::clear()
{
    std::vector<Entry> dropped;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        dropped.swap(m_entries);
    }
    // Dropped outside the lock: a Reply dropped unanswered sends its 500 through the sink.
    for (const Entry &e : dropped) {
        if (e.anchor)
            e.anchor->deleteLater();
    }
}

Parking &parking()
{
    static Parking p;
    return p;
}

std::atomic<int> &smuggledHits()
{
    static std::atomic<int> hits{0};
    return hits;
}

void registerRoutes(cr::Router &router)
{
    using cr::BodyKind;
    using cr::Method;
    using cr::Reply;
    using cr::RequestContext;
    using cr::Role;
    auto add = [&router](Method method, const char *pattern, cr::Handler handler,
                         BodyKind body = BodyKind::None, qint64 maxBody = -1) {
        router.add(cr::Route{method, QString::fromLatin1(pattern), Role::Anonymous,
                             std::move(handler), body, maxBody, false, QStringLiteral("test")});
    };
    add(Method::Get, "/t/seq", [](RequestContext &ctx, Reply reply) {
        reply.ok(QJsonObject{{QStringLiteral("n"), ctx.request->queryValue(QStringLiteral("n"))}});
    });
    add(Method::Get, "/t/async", [](RequestContext &ctx, Reply reply) {
        const int ms = ctx.request->queryValue(QStringLiteral("ms")).toInt();
        const QString n = ctx.request->queryValue(QStringLiteral("n"));
        QTimer::singleShot(ms, [reply, n] { reply.ok(QJsonObject{{QStringLiteral("n"), n}}); });
    });
    add(Method::Get, "/t/park", [](RequestContext &, Reply reply) { parking().add(reply); });
    add(Method::Get, "/t/peer", [](RequestContext &ctx, Reply reply) {
        reply.ok(QJsonObject{{QStringLiteral("peer"), ctx.request->peer.toString()}});
    });
    add(Method::Get, "/t/smuggled", [](RequestContext &, Reply reply) {
        ++smuggledHits();
        reply.ok(QJsonObject{{QStringLiteral("smuggled"), true}});
    });
    auto echo = [](RequestContext &ctx, Reply reply) {
        reply.ok(QJsonObject{{QStringLiteral("echo"), ctx.json},
                             {QStringLiteral("bytes"), qint64(ctx.request->body.size())}});
    };
    add(Method::Post, "/t/echo", echo, BodyKind::Json);
    add(Method::Post, "/t/small", echo, BodyKind::Json, kSmallRouteLimit);
    add(Method::Post, "/t/large", echo, BodyKind::Json, kLargeRouteLimit);
}

QString securityProblems(const RawClient::Response &response)
{
    static const QList<QPair<QByteArray, QByteArray>> expected = {
        {"content-security-policy", "default-src 'none'; frame-ancestors 'none'"},
        {"x-frame-options", "DENY"},
        {"x-content-type-options", "nosniff"},
        {"x-xss-protection", "0"},
        {"referrer-policy", "no-referrer"},
        {"strict-transport-security", "max-age=31536000; includeSubDomains"},
    };
    QStringList problems;
    for (const auto &h : expected) {
        if (response.header(h.first) != h.second)
            problems << QStringLiteral("%1 is '%2', expected '%3'")
                            .arg(QString::fromLatin1(h.first),
                                 QString::fromLatin1(response.header(h.first)),
                                 QString::fromLatin1(h.second));
    }
    if (response.headers.contains("server"))
        problems << QStringLiteral("a Server header is sent");
    if (response.header("x-request-id").isEmpty())
        problems << QStringLiteral("no X-Request-Id");
    if (!response.header("vary").contains("Origin"))
        problems << QStringLiteral("no Vary: Origin");
    return problems.join(QStringLiteral("; "));
}

QString jsonErrorProblems(const RawClient::Response &response, const char *code)
{
    if (!response.header("content-type").startsWith("application/json"))
        return QStringLiteral("content type is '%1'")
            .arg(QString::fromLatin1(response.header("content-type")));
    const QJsonObject o = response.json();
    if (o.value(QStringLiteral("success")).toBool(true))
        return QStringLiteral("not an error envelope: %1").arg(QString::fromUtf8(response.body));
    if (o.value(QStringLiteral("code")).toString() != QLatin1String(code))
        return QStringLiteral("code is '%1', expected '%2'")
            .arg(o.value(QStringLiteral("code")).toString(), QLatin1String(code));
    if (o.value(QStringLiteral("message")).toString().isEmpty())
        return QStringLiteral("no message");
    if (o.value(QStringLiteral("requestId")).toString().toLatin1() !=
        response.header("x-request-id"))
        return QStringLiteral("requestId differs from X-Request-Id");
    return {};
}

QString expectErrorAndClose(RawClient &c, int status, const char *code, int timeoutMs)
{
    const std::optional<RawClient::Response> r = c.read(timeoutMs);
    if (!r)
        return QStringLiteral("no response (received: '%1')").arg(QString::fromLatin1(c.pending()));
    if (r->status != status)
        return QStringLiteral("status %1, expected %2: %3")
            .arg(r->status)
            .arg(status)
            .arg(QString::fromUtf8(r->body));
    if (QString p = jsonErrorProblems(*r, code); !p.isEmpty())
        return p;
    if (QString p = securityProblems(*r); !p.isEmpty())
        return p;
    if (r->header("connection") != "close")
        return QStringLiteral("no Connection: close");
    if (!c.waitForClose(timeoutMs))
        return QStringLiteral("the server did not close the connection");
    if (!c.pending().isEmpty())
        return QStringLiteral("more bytes after the response: '%1'")
            .arg(QString::fromLatin1(c.pending().left(200)));
    return {};
}

QByteArray request(const QByteArray &method, const QByteArray &target,
                   const QByteArray &extraHeaders)
{
    return method + ' ' + target + " HTTP/1.1\r\nHost: localhost\r\n" + extraHeaders + "\r\n";
}

} // namespace httptest
