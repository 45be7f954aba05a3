// The pieces around the store: policy tables and their syntax, trusted proxies, bans,
// RateLimiter (auto-ban, run-time update all or nothing) with a ManualClock, JSON limits and
// name rules.
#include "core/Clock.h"
#include "core/Settings.h"
#include "protect/CidrList.h"
#include "protect/JsonLimits.h"
#include "protect/NameRules.h"
#include "protect/RateLimiter.h"

#include <QJsonArray>
#include <QtTest>

using namespace cr;

class TestProtectParts : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void profiles()
    {
        const PolicySet def = PolicySet::profile(QStringLiteral("default")).value();
        for (int i = 0; i < kPolicyCount; ++i)
            QVERIFY(def[PolicyId(i)].enabled);
        const PolicySet load = PolicySet::profile(QStringLiteral("loadtest")).value();
        QVERIFY(!load[PolicyId::Anonymous].enabled);
        QVERIFY(!load[PolicyId::User].enabled);
        QVERIFY(load[PolicyId::Login].enabled);
        QVERIFY(load[PolicyId::LoginIp].enabled);
        QVERIFY(load[PolicyId::LoginAccount].enabled);
        const PolicySet off = PolicySet::profile(QStringLiteral("off")).value();
        for (int i = 0; i < kPolicyCount; ++i)
            QVERIFY(!off[PolicyId(i)].enabled);
        QVERIFY(!PolicySet::profile(QStringLiteral("fast")));
    }

    void specs_data()
    {
        QTest::addColumn<QString>("spec");
        QTest::addColumn<bool>("ok");
        QTest::newRow("limit/window") << "anon=30/60" << true;
        QTest::newRow("off") << "user=off" << true;
        QTest::newRow("unknown policy") << "nobody=1/1" << false;
        QTest::newRow("zero limit") << "anon=0/60" << false;
        QTest::newRow("no window") << "anon=30" << false;
        QTest::newRow("garbage") << "anon=lots" << false;
        QTest::newRow("window too long") << "anon=1/100000" << false;
        QTest::newRow("no name") << "=1/1" << false;
    }
    void specs()
    {
        QFETCH(QString, spec);
        QFETCH(bool, ok);
        const PolicySet base = PolicySet::profile(QStringLiteral("default")).value();
        const Result<PolicySet> r = base.withSpecs({spec});
        QCOMPARE(bool(r), ok);
        if (spec == QLatin1String("anon=30/60")) {
            QCOMPARE(r.value()[PolicyId::Anonymous].limit, 30);
            QCOMPARE(r.value()[PolicyId::Anonymous].windowSeconds, 60);
        }
    }

    void jsonUpdateIsAllOrNothing()
    {
        const PolicySet base = PolicySet::profile(QStringLiteral("default")).value();
        const QJsonArray items{QJsonObject{{QStringLiteral("name"), QStringLiteral("anon")},
                                           {QStringLiteral("limit"), 7}},
                               QJsonObject{{QStringLiteral("name"), QStringLiteral("user")},
                                           {QStringLiteral("limit"), 0}},
                               QJsonObject{{QStringLiteral("name"), QStringLiteral("nope")}},
                               QJsonObject{{QStringLiteral("name"), QStringLiteral("login")},
                                           {QStringLiteral("enabled"), QStringLiteral("yes")}},
                               QJsonObject{{QStringLiteral("name"), QStringLiteral("register")},
                                           {QStringLiteral("windowSeconds"), 1.5}}};
        const Result<PolicySet> r = base.withJson(items);
        QVERIFY(!r);
        QCOMPARE(r.error().code, ErrorCode::ValidationError);
        QStringList fields;
        for (const FieldError &f : r.error().fields)
            fields << f.field;
        QCOMPARE(fields, (QStringList{QStringLiteral("policies[1].limit"),
                                      QStringLiteral("policies[2].name"),
                                      QStringLiteral("policies[3].enabled"),
                                      QStringLiteral("policies[4].windowSeconds")}));
        const Result<PolicySet> good = base.withJson(QJsonArray{items.first()});
        QVERIFY(good);
        QCOMPARE(good.value()[PolicyId::Anonymous].limit, 7);
        QCOMPARE(good.value()[PolicyId::Anonymous].windowSeconds, 10);
    }

    void trustedProxies_data()
    {
        QTest::addColumn<QString>("peer");
        QTest::addColumn<QByteArray>("forwardedFor");
        QTest::addColumn<QString>("client");
        QTest::newRow("no header") << "10.0.0.5" << QByteArray() << "10.0.0.5";
        QTest::newRow("untrusted peer spoofs")
            << "198.51.100.7" << QByteArray("1.2.3.4") << "198.51.100.7";
        QTest::newRow("trusted proxy") << "10.0.0.5" << QByteArray("203.0.113.9") << "203.0.113.9";
        QTest::newRow("client-supplied prefix ignored")
            << "10.0.0.5" << QByteArray("1.2.3.4, 203.0.113.9") << "203.0.113.9";
        QTest::newRow("two trusted hops")
            << "10.0.0.5" << QByteArray("1.2.3.4, 203.0.113.9, 10.0.0.7") << "203.0.113.9";
        QTest::newRow("all trusted") << "10.0.0.5" << QByteArray("10.0.0.8") << "10.0.0.5";
        QTest::newRow("garbage") << "10.0.0.5" << QByteArray("<script>") << "10.0.0.5";
        QTest::newRow("mapped peer")
            << "::ffff:10.0.0.5" << QByteArray("2001:db8::1") << "2001:db8::1";
    }
    void trustedProxies()
    {
        QFETCH(QString, peer);
        QFETCH(QByteArray, forwardedFor);
        QFETCH(QString, client);
        const CidrList trusted = CidrList::parse({QStringLiteral("10.0.0.0/8")}).value();
        QCOMPARE(clientAddress(QHostAddress(peer), forwardedFor, trusted), QHostAddress(client));
    }

    void cidrParsing()
    {
        QVERIFY(CidrList::parse({QStringLiteral("192.0.2.0/24"), QStringLiteral("2001:db8::/32"),
                                 QStringLiteral("127.0.0.1")}));
        QVERIFY(!CidrList::parse({QStringLiteral("192.0.2.0/33")}));
        QVERIFY(!CidrList::parse({QStringLiteral("example.com")}));
        const CidrList l = CidrList::parse({QStringLiteral("192.0.2.0/24")}).value();
        QVERIFY(l.contains(QHostAddress(QStringLiteral("192.0.2.200"))));
        QVERIFY(l.contains(QHostAddress(QStringLiteral("::ffff:192.0.2.1"))));
        QVERIFY(!l.contains(QHostAddress(QStringLiteral("192.0.3.1"))));
    }

    void limiterAutoBans()
    {
        ManualClock clock;
        Settings s;
        s.rateLimits = {QStringLiteral("anon=1/60"), QStringLiteral("offence=3/60")};
        s.autoBanSeconds = 30;
        std::unique_ptr<RateLimiter> limiter = RateLimiter::create(s, clock).value();
        const QHostAddress a(QStringLiteral("198.51.100.1"));
        const LimitKey key = LimitKey::address(a);
        QVERIFY(limiter->check(PolicyId::Anonymous, key, a).allowed);
        for (int i = 0; i < 3; ++i) {
            QVERIFY(!limiter->check(PolicyId::Anonymous, key, a).allowed);
            QVERIFY(!limiter->banned(a));
        }
        QVERIFY(!limiter->check(PolicyId::Anonymous, key, a).allowed); // the fourth: banned
        const std::optional<Error> ban = limiter->banned(a);
        QVERIFY(ban);
        QCOMPARE(ban->code, ErrorCode::Forbidden);
        QCOMPARE(ban->retryAfterSeconds, 30);
        QVERIFY(!limiter->banned(QHostAddress(QStringLiteral("198.51.100.2"))));
        clock.advance(30001);
        QVERIFY(!limiter->banned(a));
        QCOMPARE(limiter->stats().hits(PolicyId::Anonymous), quint64(4));
    }

    void limiterUpdate()
    {
        ManualClock clock;
        Settings s;
        std::unique_ptr<RateLimiter> limiter = RateLimiter::create(s, clock).value();
        const QJsonObject before = limiter->toJson();
        // One bad part: nothing changes.
        QJsonObject bad{{QStringLiteral("policies"),
                         QJsonArray{QJsonObject{{QStringLiteral("name"), QStringLiteral("anon")},
                                                {QStringLiteral("limit"), 3}}}},
                        {QStringLiteral("allowList"), QJsonArray{QStringLiteral("not-an-ip")}}};
        const Status st = limiter->update(bad);
        QVERIFY(!st);
        QCOMPARE(st.error().fields.first().field, QStringLiteral("allowList"));
        QCOMPARE(limiter->toJson().value(QStringLiteral("policies")),
                 before.value(QStringLiteral("policies")));
        // A good one applies every part.
        bad[QStringLiteral("allowList")] = QJsonArray{QStringLiteral("192.0.2.0/24")};
        bad[QStringLiteral("bans")] = QJsonObject{
            {QStringLiteral("add"),
             QJsonArray{QJsonObject{{QStringLiteral("address"), QStringLiteral("203.0.113.0/24")},
                                    {QStringLiteral("durationSeconds"), 60}}}}};
        QVERIFY(limiter->update(bad));
        QCOMPARE((*limiter->policies())[PolicyId::Anonymous].limit, 3);
        QVERIFY(limiter->isExempt(QHostAddress(QStringLiteral("192.0.2.9"))));
        QVERIFY(limiter->banned(QHostAddress(QStringLiteral("203.0.113.77"))));
        clock.advance(60001);
        QVERIFY(!limiter->banned(QHostAddress(QStringLiteral("203.0.113.77"))));
    }

    void badSettingsAreNamed()
    {
        ManualClock clock;
        Settings s;
        s.trustedProxies = {QStringLiteral("proxy.local")};
        const auto r = RateLimiter::create(s, clock);
        QVERIFY(!r);
        QVERIFY(r.error().message.startsWith(QStringLiteral("trustedProxies:")));
        s.trustedProxies.clear();
        s.rateLimitDeny = {QStringLiteral("10.0.0.0/40")};
        QVERIFY(!RateLimiter::create(s, clock));
    }

    void jsonLimits_data()
    {
        QTest::addColumn<QByteArray>("body");
        QTest::addColumn<bool>("ok");
        QTest::newRow("flat") << QByteArray("{\"a\":1,\"b\":[1,2,3]}") << true;
        QTest::newRow("depth 4") << QByteArray("{\"a\":[[{\"b\":1}]]}") << true;
        QTest::newRow("depth 5") << QByteArray("{\"a\":[[{\"b\":[1]}]]}") << false;
        QTest::newRow("brackets in strings") << QByteArray("{\"a\":\"[[[[[[[[[\"}") << true;
        QTest::newRow("escaped quote") << QByteArray("{\"a\":\"\\\"[[[[[[[\"}") << true;
        QTest::newRow("10 items") << QByteArray("[1,2,3,4,5,6,7,8,9,10]") << true;
        QTest::newRow("11 items") << QByteArray("[1,2,3,4,5,6,7,8,9,10,11]") << false;
        QTest::newRow("long string") << QByteArray("{\"a\":\"0123456789abcdefX\"}") << false;
        QTest::newRow("16 bytes") << QByteArray("{\"a\":\"0123456789abcdef\"}") << true;
    }
    void jsonLimits()
    {
        QFETCH(QByteArray, body);
        QFETCH(bool, ok);
        JsonLimits limits;
        limits.maxDepth = 4;
        limits.maxKeys = 10;
        limits.maxStringBytes = 16;
        const std::optional<Error> e = limits.check(body);
        QCOMPARE(!e.has_value(), ok);
        if (e)
            QCOMPARE(e->code, ErrorCode::ValidationError);
    }

    void names_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<bool>("resource");
        QTest::addColumn<bool>("person");
        QTest::newRow("plain") << "my-app_1.2" << true << true;
        QTest::newRow("space") << "My App" << true << true;
        QTest::newRow("apostrophe") << "Seán O'Brien" << false << true;
        QTest::newRow("markup") << "<script>alert(1)</script>" << false << false;
        QTest::newRow("shell") << "x; rm -rf /" << false << false;
        QTest::newRow("subshell") << "$(id)" << false << false;
        QTest::newRow("backtick") << "`id`" << false << false;
        QTest::newRow("pipe") << "a|b" << false << false;
        QTest::newRow("newline") << "a\nb" << false << false;
        QTest::newRow("nul") << QString(QChar(0)) << false << false;
        QTest::newRow("empty") << "" << false << false;
        QTest::newRow("blank") << "   " << false << false;
        QTest::newRow("101 chars") << QString(101, u'a') << false << false;
        QTest::newRow("100 chars") << QString(100, u'a') << true << true;
    }
    void names()
    {
        QFETCH(QString, name);
        QFETCH(bool, resource);
        QFETCH(bool, person);
        QCOMPARE(!NameRules::resourceNameProblem(name).has_value(), resource);
        QCOMPARE(!NameRules::displayNameProblem(name).has_value(), person);
        if (auto p = NameRules::displayNameProblem(name))
            QVERIFY(name.trimmed().isEmpty() || !p->contains(name.trimmed()));
    }
};

QTEST_GUILESS_MAIN(TestProtectParts)
#include "tst_protect_parts.moc"
