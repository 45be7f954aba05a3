// Rate limiting over real sockets (docs/RATE_LIMITING.md): each policy with its status,
// Retry-After and RateLimit headers, reset after the window (ManualClock), login protection,
// registrations, trusted proxies, run-time changes, allow/deny lists and bans. Every test sets
// the limits it needs; X-Forwarded-For from a trusted loopback proxy stands for other clients.
#include "IdentityTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"
#include "WsTestSupport.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Route.h"
#include "http/Router.h"
#include "protect/RateLimiter.h"
#include "telemetry/AlertEngine.h"
#include "telemetry/TelemetryService.h"

#include <QElapsedTimer>
#include <QJsonArray>
#include <QtTest>

using idtest::Account;
using idtest::Client;
using idtest::kPassword;

namespace {

QByteArray from(const char *ip)
{
    return QByteArray("X-Forwarded-For: ") + ip + "\r\n";
}

QJsonObject error(const RawClient::Response &r)
{
    return r.json().value(u"error").toObject();
}

} // namespace

class TstRateLimitApi : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<cr::ManualClock> m_clock;

    std::unique_ptr<TestServer> start(const QStringList &limits,
                                      const QString &profile = QStringLiteral("default"),
                                      std::function<void(cr::Settings &)> tweak = {},
                                      std::function<void(cr::Router &)> routes = {})
    {
        cr::Settings s = idtest::settings();
        s.rateLimitProfile = profile;
        s.rateLimits = limits;
        s.trustedProxies = {QStringLiteral("127.0.0.1")};
        if (tweak)
            tweak(s);
        m_clock = std::make_shared<cr::ManualClock>();
        auto server = std::make_unique<TestServer>(s, m_clock);
        if (routes)
            server->setExtraRoutes(routes);
        if (!server->start())
            return nullptr;
        return server;
    }

    static std::optional<RawClient::Response> get(TestServer &server, const QByteArray &path,
                                                  const QByteArray &headers = QByteArray(),
                                                  const QByteArray &token = QByteArray())
    {
        return idtest::call(server.port(), "GET", path, nullptr, token, headers);
    }

    static QJsonObject login(const QString &email, const QString &password)
    {
        return QJsonObject{{QStringLiteral("email"), email},
                           {QStringLiteral("password"), password}};
    }

private Q_SLOTS:
    void anonymousPolicyWithHeaders()
    {
        auto server = start({QStringLiteral("anon=5/10")});
        QVERIFY(server);
        for (int i = 0; i < 5; ++i) {
            auto r = get(*server, "/health");
            CR_EXPECT_STATUS(r, 200);
            QCOMPARE(r->header("ratelimit-policy"), QByteArray("\"anon\";q=5;w=10"));
            QCOMPARE(r->header("ratelimit"), QByteArray("\"anon\";r=") + QByteArray::number(4 - i) +
                                                 ";t=" + QByteArray::number(2 * (i + 1)));
        }
        auto refused = get(*server, "/health");
        CR_EXPECT_STATUS(refused, 429);
        QCOMPARE(refused->header("retry-after"), QByteArray("2"));
        QCOMPARE(refused->header("ratelimit"), QByteArray("\"anon\";r=0;t=10"));
        QCOMPARE(error(*refused).value(u"code").toString(), QStringLiteral("RATE_LIMITED"));
        QCOMPARE(error(*refused).value(u"policy").toString(), QStringLiteral("anon"));
        QVERIFY(!refused->header("x-request-id").isEmpty());
        // One interval later one request fits; a whole window later all of them.
        m_clock->advance(2000);
        CR_EXPECT_STATUS(get(*server, "/health"), 200);
        CR_EXPECT_STATUS(get(*server, "/health"), 429);
        m_clock->advance(10000);
        auto again = get(*server, "/api/health/live");
        CR_EXPECT_STATUS(again, 200);
        QCOMPARE(again->header("ratelimit"), QByteArray("\"anon\";r=4;t=2"));
    }

    void parallelBurstSeesRefusals()
    {
        // The default profile: 30 parallel anonymous /health requests from one address.
        auto server = start({});
        QVERIFY(server);
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < 30; ++i) {
            clients.push_back(std::make_unique<RawClient>(server->port()));
            QVERIFY(clients.back()->isConnected());
        }
        for (auto &c : clients)
            c->send(idtest::requestBytes("GET", "/health"));
        int ok = 0;
        int limited = 0;
        for (auto &c : clients) {
            auto r = c->read();
            QVERIFY(r);
            ok += r->status == 200;
            limited += r->status == 429;
        }
        QCOMPARE(ok + limited, 30);
        QVERIFY2(limited > 0, "no 429 in a burst of 30");
        QCOMPARE(ok, 20);
    }

    void unknownPathsAndBadTokensCount()
    {
        auto server = start({QStringLiteral("anon=3/60")});
        QVERIFY(server);
        CR_EXPECT_STATUS(get(*server, "/no/such/path"), 404);
        CR_EXPECT_STATUS(get(*server, "/no/such/path", "Authorization: Bearer made-up\r\n"), 404);
        CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), "garbage.token.here"),
                         401);
        auto r = get(*server, "/api/auth/profile", QByteArray(), "garbage.token.here");
        CR_EXPECT_STATUS(r, 429);
        QCOMPARE(error(*r).value(u"policy").toString(), QStringLiteral("anon"));
    }

    void authenticatedPolicyPerUser()
    {
        auto server = start({QStringLiteral("user=3/60")});
        QVERIFY(server);
        Client api(*server);
        const Account alice = api.makeUser();
        const Account bob = api.makeUser();
        QVERIFY(alice.ok() && bob.ok());
        for (int i = 0; i < 3; ++i) {
            auto r = get(*server, "/api/auth/profile", QByteArray(), alice.token);
            CR_EXPECT_STATUS(r, 200);
            QCOMPARE(r->header("ratelimit-policy"), QByteArray("\"user\";q=3;w=60"));
        }
        auto r = get(*server, "/api/auth/profile", QByteArray(), alice.token);
        CR_EXPECT_STATUS(r, 429);
        QCOMPARE(error(*r).value(u"policy").toString(), QStringLiteral("user"));
        QCOMPARE(r->header("retry-after"), QByteArray("20"));
        // Bob, from the same address, has his own allowance.
        auto created =
            api.call("POST", "/api/auth/api-keys",
                     QJsonObject{{QStringLiteral("name"), QStringLiteral("ci")}}, bob.token);
        CR_EXPECT_STATUS(created, 201);
        const QByteArray key =
            created->json().value(u"data").toObject().value(u"key").toString().toLatin1();
        CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), bob.token), 200);
        // An API key has an allowance of its own, apart from its owner's sessions.
        for (int i = 0; i < 3; ++i)
            CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), key), 200);
        CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), key), 429);
        CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), bob.token), 200);
        m_clock->advance(20000);
        CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), alice.token), 200);
    }

    void webSocketUpgradesCount()
    {
        auto server = start({QStringLiteral("anon=1/60")});
        QVERIFY(server);
        CR_EXPECT_STATUS(get(*server, "/health"), 200);
        RawClient c(server->port());
        c.send(
            "GET /ws HTTP/1.1\r\nHost: localhost\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
            "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n");
        auto r = c.read();
        CR_EXPECT_STATUS(r, 429);
        QCOMPARE(r->header("retry-after"), QByteArray("60"));
    }

    void expensiveRoutes()
    {
        auto server = start({QStringLiteral("expensive=2/60")}, QStringLiteral("default"), {},
                            [](cr::Router &router) {
                                cr::Route r;
                                r.method = cr::Method::Post;
                                r.pattern = QStringLiteral("/api/test/run");
                                r.minRole = cr::Role::Developer;
                                r.expensive = true;
                                r.handler = [](cr::RequestContext &, cr::Reply reply) {
                                    reply.ok(QJsonObject{{QStringLiteral("ran"), true}});
                                };
                                router.add(r);
                            });
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        const Account b = api.makeUser();
        QVERIFY(a.ok() && b.ok());
        for (int i = 0; i < 2; ++i) {
            auto r = api.call("POST", "/api/test/run", QJsonObject(), a.token, false);
            CR_EXPECT_STATUS(r, 200);
            QCOMPARE(r->header("ratelimit-policy"), QByteArray("\"expensive\";q=2;w=60"));
        }
        auto r = api.call("POST", "/api/test/run", QJsonObject(), a.token, false);
        CR_EXPECT_STATUS(r, 429);
        QCOMPARE(error(*r).value(u"policy").toString(), QStringLiteral("expensive"));
        QCOMPARE(r->header("retry-after"), QByteArray("30"));
        CR_EXPECT_STATUS(api.call("POST", "/api/test/run", QJsonObject(), b.token, false), 200);
        // Ordinary routes are not expensive.
        CR_EXPECT_STATUS(get(*server, "/api/auth/profile", QByteArray(), a.token), 200);
    }

    void loginChargedBeforeHashing()
    {
        auto server = start({});
        QVERIFY(server);
        Client api(*server);
        const Account victim = api.makeUser();
        QVERIFY(victim.ok());
        // 15 parallel wrong passwords: only the "login" allowance (5) reaches the hasher.
        const QJsonObject wrong = login(victim.email, QStringLiteral("wrong password 123!"));
        std::vector<std::unique_ptr<RawClient>> clients;
        for (int i = 0; i < 15; ++i) {
            clients.push_back(std::make_unique<RawClient>(server->port()));
            QVERIFY(clients.back()->isConnected());
            clients.back()->send(idtest::requestBytes("POST", "/api/auth/login", &wrong));
        }
        int unauthorized = 0;
        int limited = 0;
        for (auto &c : clients) {
            auto r = c->read(20000);
            QVERIFY(r);
            unauthorized += r->status == 401;
            limited += r->status == 429;
            if (r->status == 429) {
                QCOMPARE(error(*r).value(u"policy").toString(), QStringLiteral("login"));
                QVERIFY(r->header("retry-after").toInt() >= 1);
            }
        }
        QCOMPARE(unauthorized, 5);
        QCOMPARE(limited, 10);
        // The right password from the same address is refused too (the pair is spent) ...
        const QJsonObject right = login(victim.email, kPassword);
        auto same = idtest::call(server->port(), "POST", "/api/auth/login", &right);
        CR_EXPECT_STATUS(same, 429);
        // ... but the victim, from elsewhere, is not locked out.
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &right,
                                      QByteArray(), from("203.0.113.50")),
                         200);
    }

    void successfulLoginsAreRefunded()
    {
        auto server = start({QStringLiteral("login=2/300"), QStringLiteral("login-ip=2/300")});
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        const QJsonObject right = login(a.email, kPassword);
        for (int i = 0; i < 6; ++i)
            CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &right), 200);
        // One typo is not a lock-out either.
        const QJsonObject typo = login(a.email, QStringLiteral("SecureTestPassword123!@$"));
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &typo), 401);
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &right), 200);
    }

    void loginPerIpAcrossEmails()
    {
        auto server = start({QStringLiteral("login-ip=4/300")});
        QVERIFY(server);
        for (int i = 0; i < 4; ++i) {
            const QJsonObject guess = login(QStringLiteral("nobody%1@example.com").arg(i),
                                            QStringLiteral("whatever password 1"));
            CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &guess), 401);
        }
        const QJsonObject next = login(QStringLiteral("someone@example.com"), kPassword);
        auto r = idtest::call(server->port(), "POST", "/api/auth/login", &next);
        CR_EXPECT_STATUS(r, 429);
        QCOMPARE(error(*r).value(u"policy").toString(), QStringLiteral("login-ip"));
        // Another client is unaffected.
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &next,
                                      QByteArray(), from("198.51.100.4")),
                         401);
    }

    void loginAccountDelaysNeverLocks()
    {
        auto server = start({QStringLiteral("login-account=2/600")}, QStringLiteral("default"),
                            [](cr::Settings &s) { s.loginDelayMaxMs = 300; });
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        const QJsonObject wrong = login(a.email, QStringLiteral("wrong password 123!"));
        // Strangers from many addresses spend the account's allowance ...
        for (int i = 0; i < 6; ++i) {
            const QByteArray ip = "198.51.100." + QByteArray::number(10 + i);
            CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &wrong,
                                          QByteArray(), from(ip.constData())),
                             401);
        }
        // ... and the owner still gets in (after a bounded delay).
        const QJsonObject right = login(a.email, kPassword);
        QElapsedTimer t;
        t.start();
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &right,
                                      QByteArray(), from("192.0.2.1")),
                         200);
        QVERIFY(t.elapsed() >= 250);
    }

    void registrationCountsAccounts()
    {
        auto server = start({QStringLiteral("register=2/3600")});
        QVERIFY(server);
        for (const char *weak : {"123456", "password", "abc123", "qwerty", "Password123!"}) {
            const QJsonObject b{{QStringLiteral("email"), QStringLiteral("weak@example.com")},
                                {QStringLiteral("password"), QLatin1String(weak)}};
            CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/register", &b), 400);
        }
        for (int i = 0; i < 2; ++i) {
            const QJsonObject b{
                {QStringLiteral("email"), QStringLiteral("new%1@example.com").arg(i)},
                {QStringLiteral("password"), kPassword}};
            CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/register", &b), 201);
        }
        const QJsonObject third{{QStringLiteral("email"), QStringLiteral("new3@example.com")},
                                {QStringLiteral("password"), kPassword}};
        auto r = idtest::call(server->port(), "POST", "/api/auth/register", &third);
        CR_EXPECT_STATUS(r, 429);
        QCOMPARE(error(*r).value(u"policy").toString(), QStringLiteral("register"));
    }

    void spoofedForwardedForIgnored()
    {
        auto server = start({QStringLiteral("anon=2/60")}, QStringLiteral("default"),
                            [](cr::Settings &s) { s.trustedProxies.clear(); });
        QVERIFY(server);
        CR_EXPECT_STATUS(get(*server, "/health", from("1.1.1.1")), 200);
        CR_EXPECT_STATUS(get(*server, "/health", from("2.2.2.2")), 200);
        CR_EXPECT_STATUS(get(*server, "/health", from("3.3.3.3")), 429);
    }

    void trustedProxyNamesClients()
    {
        auto server = start({QStringLiteral("anon=2/60")});
        QVERIFY(server);
        for (int i = 0; i < 2; ++i)
            CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.1")), 200);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.1")), 429);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.2")), 200);
        // A client-supplied entry to the left of the proxy's is not believed.
        CR_EXPECT_STATUS(get(*server, "/health", from("9.9.9.9, 203.0.113.1")), 429);
    }

    void runTimeChangeAndAccess()
    {
        auto server = start({}, QStringLiteral("off"));
        QVERIFY(server);
        Client api(*server);
        const Account admin = api.makeUser(cr::Role::Admin, QStringLiteral("admin"));
        const Account op = api.makeUser(cr::Role::Operator, QStringLiteral("op"));
        const Account dev = api.makeUser(cr::Role::Developer, QStringLiteral("dev"));
        QVERIFY(admin.ok() && op.ok() && dev.ok());
        CR_EXPECT_STATUS(get(*server, "/api/admin/rate-limits"), 401);
        CR_EXPECT_STATUS(get(*server, "/api/admin/rate-limits", QByteArray(), dev.token), 403);
        auto view = get(*server, "/api/admin/rate-limits", QByteArray(), op.token);
        CR_EXPECT_STATUS(view, 200);
        const QJsonObject data = view->json().value(u"data").toObject();
        QCOMPARE(data.value(u"profile").toString(), QStringLiteral("off"));
        QCOMPARE(data.value(u"policies").toArray().size(), cr::kPolicyCount);
        QVERIFY(data.value(u"memory").toObject().contains(u"capBytes"));

        const QJsonObject change{
            {QStringLiteral("policies"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("anon")},
                                    {QStringLiteral("enabled"), true},
                                    {QStringLiteral("limit"), 1},
                                    {QStringLiteral("windowSeconds"), 60}}}}};
        CR_EXPECT_STATUS(api.call("PUT", "/api/admin/rate-limits", change, op.token), 403);
        const QJsonObject bad{
            {QStringLiteral("policies"),
             QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("anon")},
                                    {QStringLiteral("limit"), -1}}}}};
        auto refused = api.call("PUT", "/api/admin/rate-limits", bad, admin.token);
        CR_EXPECT_STATUS(refused, 400);
        QCOMPARE(error(*refused)
                     .value(u"fields")
                     .toArray()
                     .first()
                     .toObject()
                     .value(u"field")
                     .toString(),
                 QStringLiteral("policies[0].limit"));
        CR_EXPECT_STATUS(get(*server, "/health"), 200);
        CR_EXPECT_STATUS(get(*server, "/health"), 200); // still off

        CR_EXPECT_STATUS(api.call("PUT", "/api/admin/rate-limits", change, admin.token), 200);
        CR_EXPECT_STATUS(get(*server, "/health"), 200);
        CR_EXPECT_STATUS(get(*server, "/health"), 429);
        // Audited.
        auto log = get(*server, "/api/admin/logs?search=rate_limits", QByteArray(), admin.token);
        CR_EXPECT_STATUS(log, 200);
        QVERIFY2(log->body.contains("admin.rate_limits.update"), log->body.constData());
    }

    void allowAndDenyLists()
    {
        auto server =
            start({QStringLiteral("anon=1/60")}, QStringLiteral("default"), [](cr::Settings &s) {
                s.rateLimitAllow = {QStringLiteral("192.0.2.0/24")};
                s.rateLimitDeny = {QStringLiteral("198.51.100.0/24")};
            });
        QVERIFY(server);
        for (int i = 0; i < 5; ++i)
            CR_EXPECT_STATUS(get(*server, "/health", from("192.0.2.7")), 200);
        auto denied = get(*server, "/health", from("198.51.100.9"));
        CR_EXPECT_STATUS(denied, 403);
        QVERIFY(denied->header("retry-after").isEmpty());
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.5")), 200);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.5")), 429);
    }

    void refusalsArePublished()
    {
        // The test's own set-up traffic (register, login, WebSocket) is allow-listed.
        auto server =
            start({QStringLiteral("anon=1/60")}, QStringLiteral("default"),
                  [](cr::Settings &s) { s.rateLimitAllow = {QStringLiteral("127.0.0.1")}; });
        QVERIFY(server);
        Client api(*server);
        const Account op = api.makeUser(cr::Role::Operator, QStringLiteral("op"));
        QVERIFY(op.ok());
        WsClient ws;
        QVERIFY(ws.open(server->port()));
        QVERIFY(ws.authenticate(op.token));
        QVERIFY(ws.subscribe(QStringLiteral("ratelimit")));
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.80")), 200);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.80")), 429);
        // Published by the engine's once-a-second tick while something is being refused.
        const QJsonObject m = ws.waitFor(QStringLiteral("ratelimit"), 5000);
        QCOMPARE(m.value(u"channel").toString(), QStringLiteral("ratelimit"));
        QCOMPARE(m.value(u"hitsByPolicy").toObject().value(u"anon").toInt(), 1);
        QCOMPARE(m.value(u"topLimited").toArray().first().toObject().value(u"key").toString(),
                 QStringLiteral("203.0.113.80"));
        QVERIFY(m.contains(u"bans"));
    }

    void repeatOffendersAreBanned()
    {
        auto server =
            start({QStringLiteral("anon=1/60"), QStringLiteral("offence=3/60")},
                  QStringLiteral("default"), [](cr::Settings &s) { s.autoBanSeconds = 120; });
        QVERIFY(server);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.66")), 200);
        for (int i = 0; i < 4; ++i)
            CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.66")), 429);
        auto banned = get(*server, "/health", from("203.0.113.66"));
        CR_EXPECT_STATUS(banned, 403);
        QCOMPARE(banned->header("retry-after"), QByteArray("120"));
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.67")), 200);
        const QJsonObject state = server->engine().rateLimiter()->toJson();
        QCOMPARE(state.value(u"bans").toArray().size(), 1);
        QCOMPARE(state.value(u"bans").toArray().first().toObject().value(u"address").toString(),
                 QStringLiteral("203.0.113.66"));
        const QJsonObject counters = state.value(u"counters").toObject();
        QCOMPARE(counters.value(u"hitsByPolicy").toObject().value(u"anon").toInt(), 4);
        QCOMPARE(
            counters.value(u"topLimited").toArray().first().toObject().value(u"key").toString(),
            QStringLiteral("203.0.113.66"));
        m_clock->advance(120001);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.66")), 200);
    }
    void countedInMetricsAndAlerts()
    {
        auto server = start({QStringLiteral("anon=3/60"), QStringLiteral("login=2/300")},
                            QStringLiteral("default"), [](cr::Settings &s) {
                                s.rateLimitAllow = {QStringLiteral("127.0.0.1")};
                                s.metricsToken = QStringLiteral("scrape-secret");
                                s.alertFailedLoginsPerMinute = 1;
                                s.alertForSeconds = 0;
                            });
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        for (int i = 0; i < 3; ++i)
            CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.90")), 200);
        CR_EXPECT_STATUS(get(*server, "/health", from("203.0.113.90")), 429);
        const QJsonObject wrong = login(a.email, QStringLiteral("wrong password 123!"));
        for (int i = 0; i < 2; ++i)
            CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &wrong,
                                          QByteArray(), from("203.0.113.91")),
                             401);
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &wrong,
                                      QByteArray(), from("203.0.113.91")),
                         429);
        const QJsonObject right = login(a.email, kPassword);
        CR_EXPECT_STATUS(idtest::call(server->port(), "POST", "/api/auth/login", &right), 200);

        auto scrape = get(*server, "/metrics", QByteArray(), "scrape-secret");
        CR_EXPECT_STATUS(scrape, 200);
        auto sample = [&](const QByteArray &series) {
            for (const QByteArray &line : scrape->body.split('\n')) {
                if (line.startsWith(QByteArray(series + ' ')))
                    return line.mid(series.size() + 1).toDouble();
            }
            return -1.0;
        };
        QCOMPARE(sample("coderunner_rate_limit_hits_total{policy=\"anon\"}"), 1.0);
        QCOMPARE(sample("coderunner_rate_limit_hits_total{policy=\"login\"}"), 1.0);
        QCOMPARE(sample("coderunner_logins_total{result=\"failure\"}"), 2.0);
        QCOMPARE(sample("coderunner_logins_total{result=\"success\"}"), 1.0);

        // A telemetry tick carries the top limited clients and feeds the alert rules.
        QMetaObject::invokeMethod(server->engine().telemetry(), &cr::TelemetryService::tick,
                                  Qt::BlockingQueuedConnection);
        m_clock->advance(1000);
        QMetaObject::invokeMethod(server->engine().telemetry(), &cr::TelemetryService::tick,
                                  Qt::BlockingQueuedConnection);
        const QJsonObject snapshot = server->engine().telemetry()->latest();
        const QJsonArray top =
            snapshot.value(u"rateLimit").toObject().value(u"topClients").toArray();
        QCOMPARE(top.size(), 2);
        QCOMPARE(snapshot.value(u"logins").toObject().value(u"failure1m").toDouble(), 2.0);
        QCOMPARE(server->engine().alerts()->lastInputs().failedLoginsPerMinute, 2.0);
        QStringList firing;
        for (const cr::Alert &alert : server->engine().alerts()->active())
            firing << alert.name;
        QVERIFY2(firing.contains(QStringLiteral("CodeRunnerFailedLogins")),
                 qPrintable(firing.join(u',')));
    }
};

QTEST_GUILESS_MAIN(TstRateLimitApi)
#include "tst_ratelimit_api.moc"
