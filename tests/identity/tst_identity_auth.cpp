// Accounts and tokens over real sockets (CONTRACT §3): register, login, logout, the password
// table, profile, refresh rotation, two racing refreshes, the reuse grace and family
// revocation, the family lifetime. Most functions run once per backend (sqlite, postgresql).

#include "IdentityTestSupport.h"
#include "StoreTestSupport.h"
#include "auth/PasswordHasher.h"
#include "identity/Identity.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>
#include <QTest>

using idtest::Account;
using idtest::Client;
using idtest::kPassword;

class TstIdentityAuth : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<cr::ManualClock> m_clock;

    std::unique_ptr<TestServer> start(const cr::test::TestDatabase &db, bool manualClock = false)
    {
        m_clock = manualClock ? std::make_shared<cr::ManualClock>() : nullptr;
        return idtest::startServer(db, m_clock);
    }

    static QJsonObject body(std::initializer_list<QPair<QString, QJsonValue>> members)
    {
        QJsonObject o;
        for (const auto &m : members)
            o.insert(m.first, m.second);
        return o;
    }

private Q_SLOTS:
    void registerLoginLogout_data() { cr::test::addBackendRows(); }
    void registerLoginLogout()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);

        auto r = api.call("POST", "/api/auth/register",
                          body({{QStringLiteral("email"), QStringLiteral("  Alice@Example.COM ")},
                                {QStringLiteral("password"), kPassword},
                                {QStringLiteral("name"), QStringLiteral("Alice")}}));
        CR_EXPECT_STATUS(r, 201);
        const QJsonObject reg = r->json();
        const QJsonObject user = reg.value(u"data").toObject().value(u"user").toObject();
        QCOMPARE(user.value(u"email").toString(), QStringLiteral("alice@example.com"));
        QCOMPARE(user.value(u"role").toString(), QStringLiteral("developer"));
        QCOMPARE(user.value(u"name").toString(), QStringLiteral("Alice"));
        for (const char *key : {"id", "createdAt", "updatedAt", "lastLoginAt"})
            QVERIFY2(user.contains(QLatin1String(key)), key);
        QCOMPARE(user.size(), 7);
        QVERIFY(user.value(u"createdAt").toString().endsWith(u'Z'));
        QVERIFY(reg.value(u"expiresAt").toString().endsWith(u'Z'));
        QCOMPARE(reg.value(u"refreshToken").toString().size(), 43);
        const QByteArray token = reg.value(u"token").toString().toLatin1();
        QCOMPARE(token.count('.'), 2);

        // The profile: nothing secret in its text.
        for (const char *path : {"/api/auth/profile", "/api/auth/me"}) {
            r = api.call("GET", path, {}, token, false);
            CR_EXPECT_STATUS(r, 200);
            const QByteArray text = r->body.toLower();
            QVERIFY(!text.contains("password"));
            QVERIFY(!text.contains("secret"));
            QVERIFY(!text.contains("hash"));
            QVERIFY(!QString::fromUtf8(text).contains(
                QRegularExpression(QStringLiteral("api.{0,3}key"))));
            QCOMPARE(r->json().value(u"user").toObject().value(u"id"), user.value(u"id"));
        }

        // Duplicates, in any spelling of the address.
        r = api.call("POST", "/api/auth/register",
                     body({{QStringLiteral("email"), QStringLiteral("ALICE@example.com")},
                           {QStringLiteral("password"), kPassword}}));
        CR_EXPECT_STATUS(r, 409);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("USER_EXISTS"));

        // Bad input.
        r = api.call("POST", "/api/auth/register",
                     body({{QStringLiteral("email"), QStringLiteral("not-an-email")},
                           {QStringLiteral("password"), kPassword}}));
        CR_EXPECT_STATUS(r, 400);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("VALIDATION_ERROR"));
        QCOMPARE(r->json().value(u"fields").toArray().first().toObject().value(u"field"),
                 QJsonValue(QStringLiteral("email")));
        r = api.call("POST", "/api/auth/register", body({{QStringLiteral("email"), 5}}));
        CR_EXPECT_STATUS(r, 400);
        QCOMPARE(r->json().value(u"fields").toArray().size(), 2);
        r = api.call("POST", "/api/auth/login", body({}));
        CR_EXPECT_STATUS(r, 400);

        // Login: success, wrong password and unknown account look the same.
        r = api.call("POST", "/api/auth/login",
                     body({{QStringLiteral("email"), QStringLiteral("Alice@example.com ")},
                           {QStringLiteral("password"), kPassword}}));
        CR_EXPECT_STATUS(r, 200);
        const QByteArray second = r->json().value(u"token").toString().toLatin1();
        QVERIFY(!r->json().value(u"user").toObject().value(u"lastLoginAt").isNull());
        auto wrong =
            api.call("POST", "/api/auth/login",
                     body({{QStringLiteral("email"), QStringLiteral("alice@example.com")},
                           {QStringLiteral("password"), QStringLiteral("nope-nope-nope")}}));
        auto unknown =
            api.call("POST", "/api/auth/login",
                     body({{QStringLiteral("email"), QStringLiteral("bob@example.com")},
                           {QStringLiteral("password"), QStringLiteral("nope-nope-nope")}}));
        CR_EXPECT_STATUS(wrong, 401);
        CR_EXPECT_STATUS(unknown, 401);
        QCOMPARE(wrong->json().value(u"error"), unknown->json().value(u"error"));
        QCOMPARE(wrong->json().value(u"code").toString(), QStringLiteral("INVALID_CREDENTIALS"));

        // Logout ends this session at once, and only this one.
        r = api.call("POST", "/api/auth/logout", {}, token, false);
        CR_EXPECT_STATUS(r, 200);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, token, false), 401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, second, false), 200);
        r = api.call("POST", "/api/auth/refresh",
                     body({{QStringLiteral("refreshToken"), reg.value(u"refreshToken")}}));
        CR_EXPECT_STATUS(r, 401);
    }

    void passwordTable_data()
    {
        QTest::addColumn<QString>("password");
        QTest::addColumn<QString>("email");
        QTest::addColumn<bool>("valid");
        const QString none;
        QTest::newRow("too short") << QStringLiteral("short1!") << none << false;
        QTest::newRow("common") << QStringLiteral("password") << none << false;
        QTest::newRow("common + digits") << QStringLiteral("Password123!") << none << false;
        QTest::newRow("common + year") << QStringLiteral("Welcome2024!!") << none << false;
        QTest::newRow("email local part") << QStringLiteral("my-JohnSmith-key-77")
                                          << QStringLiteral("johnsmith@example.com") << false;
        QTest::newRow("too long") << QString(129, u'x') << none << false;
        QTest::newRow("passphrase")
            << QStringLiteral("correct horse battery staple") << none << true;
        QTest::newRow("strong") << kPassword << none << true;
        QTest::newRow("twelve") << QStringLiteral("IntegrationTest123!") << none << true;
    }
    void passwordTable()
    {
        QFETCH(QString, password);
        QFETCH(QString, email);
        QFETCH(bool, valid);
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        QJsonObject check{{QStringLiteral("password"), password}};
        if (!email.isEmpty())
            check.insert(QStringLiteral("email"), email);
        auto r = api.call("POST", "/api/auth/validate-password", check);
        CR_EXPECT_STATUS(r, 200);
        const QJsonObject data = r->json().value(u"data").toObject();
        QCOMPARE(data.value(u"isValid").toBool(), valid);
        QCOMPARE(data.value(u"errors").toArray().isEmpty(), valid);
        const int strength = data.value(u"strength").toInt(-1);
        QVERIFY(strength >= 0 && strength <= 4);
        if (password.size() >= 12) // the texts never repeat the password
            QVERIFY(!r->body.contains(password.toUtf8()));

        const QString registerEmail = email.isEmpty() ? QStringLiteral("t@example.com") : email;
        r = api.call("POST", "/api/auth/register",
                     QJsonObject{{QStringLiteral("email"), registerEmail},
                                 {QStringLiteral("password"), password}});
        CR_EXPECT_STATUS(r, valid ? 201 : 400);
        if (!valid) {
            QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("WEAK_PASSWORD"));
            QCOMPARE(r->json().value(u"fields").toArray().size(),
                     data.value(u"errors").toArray().size());
        }
    }

    void profileUpdate()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        const Account b = api.makeUser();
        const Account admin = api.makeUser(cr::Role::Admin);
        QVERIFY(a.ok() && b.ok() && admin.ok());

        auto r = api.call("PUT", "/api/auth/profile",
                          QJsonObject{{QStringLiteral("name"), QStringLiteral(" New Name ")},
                                      {QStringLiteral("email"), QStringLiteral("NEW@example.com")},
                                      {QStringLiteral("role"), QStringLiteral("admin")},
                                      {QStringLiteral("plan"), QStringLiteral("enterprise")}},
                          a.token);
        CR_EXPECT_STATUS(r, 200);
        const QJsonObject user = r->json().value(u"user").toObject();
        QCOMPARE(user.value(u"name").toString(), QStringLiteral("New Name"));
        QCOMPARE(user.value(u"email").toString(), QStringLiteral("new@example.com"));
        QCOMPARE(user.value(u"role").toString(), QStringLiteral("developer"));
        // The old token still works (same role), and the new address logs in.
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, a.token, false), 200);
        Account renamed = a;
        renamed.email = QStringLiteral("new@example.com");
        QVERIFY(api.login(renamed));

        CR_EXPECT_STATUS(api.call("PUT", "/api/auth/profile",
                                  QJsonObject{{QStringLiteral("email"), b.email}}, a.token),
                         409);
        CR_EXPECT_STATUS(api.call("PUT", "/api/auth/profile",
                                  QJsonObject{{QStringLiteral("email"), QStringLiteral("x@")}},
                                  a.token),
                         400);
        CR_EXPECT_STATUS(
            api.call("PUT", "/api/auth/profile", QJsonObject{{QStringLiteral("name"), 7}}, a.token),
            400);

        // The ignored privileged fields are in the audit log.
        r = api.call("GET", "/api/admin/logs?search=ignored_fields", {}, admin.token, false);
        CR_EXPECT_STATUS(r, 200);
        const QJsonArray logs = r->json().value(u"logs").toArray();
        QCOMPARE(logs.size(), 1);
        const QJsonObject entry = logs.first().toObject();
        QCOMPARE(entry.value(u"action").toString(), QStringLiteral("auth.profile.ignored_fields"));
        QCOMPARE(entry.value(u"actorId").toString(), a.id);
        QCOMPARE(entry.value(u"result").toString(), QStringLiteral("denied"));
        QCOMPARE(entry.value(u"details").toObject().value(u"fields").toArray(),
                 QJsonArray({QStringLiteral("role"), QStringLiteral("plan")}));
    }

    // The profile is read through a cache (ProfileCache); every local change shows at once.
    void profileReadsSeeChanges()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db, true);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        const Account admin = api.makeUser(cr::Role::Admin);
        QVERIFY(a.ok() && admin.ok());
        const auto me = [&](const QByteArray &token) {
            auto r = api.call("GET", "/api/auth/me", {}, token, false);
            return r && r->status == 200 ? r->json().value(u"user").toObject() : QJsonObject();
        };
        const QJsonObject first = me(a.token);
        QCOMPARE(first.value(u"id").toString(), a.id);
        QCOMPARE(me(a.token), first); // a cached read answers the same

        CR_EXPECT_STATUS(api.call("PUT", "/api/auth/profile",
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("Renamed")}},
                                  a.token),
                         200);
        QCOMPARE(me(a.token).value(u"name").toString(), QStringLiteral("Renamed"));

        // A login moves lastLoginAt (less time passes than the cache's 2 s).
        const QString lastLogin = me(a.token).value(u"lastLoginAt").toString();
        m_clock->advance(1000);
        const std::optional<Account> again = api.login(a);
        QVERIFY(again);
        QVERIFY(me(a.token).value(u"lastLoginAt").toString() > lastLogin);

        // A role change by an administrator: the new session's profile says so.
        auto r = api.call("PATCH", "/api/admin/users/" + a.id.toLatin1(),
                          QJsonObject{{QStringLiteral("role"), QStringLiteral("operator")}},
                          admin.token);
        CR_EXPECT_STATUS(r, 200);
        const std::optional<Account> promoted = api.login(a);
        QVERIFY(promoted);
        QCOMPARE(me(promoted->token).value(u"role").toString(), QStringLiteral("operator"));
    }

    void refreshRotation_data() { cr::test::addBackendRows(); }
    void refreshRotation()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());

        auto r = api.call(
            "POST", "/api/auth/refresh",
            QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(a.refreshToken)}});
        CR_EXPECT_STATUS(r, 200);
        const QByteArray refresh2 = r->json().value(u"refreshToken").toString().toLatin1();
        const QByteArray token2 = r->json().value(u"token").toString().toLatin1();
        QVERIFY(refresh2 != a.refreshToken);
        QCOMPARE(idtest::sidOf(token2), a.sessionId); // the same session
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, token2, false), 200);

        // The old one is dead (a reuse within the grace time: refused, nothing more).
        r = api.call(
            "POST", "/api/auth/refresh",
            QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(a.refreshToken)}});
        CR_EXPECT_STATUS(r, 401);
        // v2 clients send {token}.
        r = api.call("POST", "/api/auth/refresh",
                     QJsonObject{{QStringLiteral("token"), QString::fromLatin1(refresh2)}});
        CR_EXPECT_STATUS(r, 200);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {},
                                  r->json().value(u"token").toString().toLatin1(), false),
                         200);

        CR_EXPECT_STATUS(api.call("POST", "/api/auth/refresh", QJsonObject()), 400);
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/refresh",
                                  QJsonObject{{QStringLiteral("refreshToken"), 42}}),
                         400);
        CR_EXPECT_STATUS(
            api.call("POST", "/api/auth/refresh",
                     QJsonObject{{QStringLiteral("refreshToken"), QStringLiteral("garbage")}}),
            401);
        // An access token is not a refresh token.
        CR_EXPECT_STATUS(
            api.call("POST", "/api/auth/refresh",
                     QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(a.token)}}),
            401);
    }

    void racingRefreshes_data() { cr::test::addBackendRows(); }
    void racingRefreshes()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        for (int round = 0; round < 5; ++round) {
            const std::optional<Account> s = api.login(a);
            QVERIFY(s);
            const QJsonObject b{
                {QStringLiteral("refreshToken"), QString::fromLatin1(s->refreshToken)}};
            RawClient one(server->port());
            RawClient two(server->port());
            const QByteArray bytes = idtest::requestBytes("POST", "/api/auth/refresh", &b);
            one.send(bytes);
            two.send(bytes);
            const auto r1 = one.read(15000);
            const auto r2 = two.read(15000);
            QVERIFY(r1 && r2);
            QList<int> statuses{r1->status, r2->status};
            std::sort(statuses.begin(), statuses.end());
            QCOMPARE(statuses, QList<int>({200, 401}));
            // The winner's new pair works; the session was not revoked by the loser.
            const auto &winner = r1->status == 200 ? r1 : r2;
            const QByteArray next = winner->json().value(u"refreshToken").toString().toLatin1();
            CR_EXPECT_STATUS(
                api.call("POST", "/api/auth/refresh",
                         QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(next)}}),
                200);
        }
    }

    void reuseGraceAndFamilyRevocation()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db, true);
        QVERIFY(server);
        Client api(*server);
        const Account admin = api.makeUser(cr::Role::Admin);
        const Account a = api.makeUser();
        QVERIFY(admin.ok() && a.ok());
        const auto refresh = [&](const QByteArray &token) {
            return api.call(
                "POST", "/api/auth/refresh",
                QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(token)}});
        };
        auto r = refresh(a.refreshToken);
        CR_EXPECT_STATUS(r, 200);
        const QByteArray r2 = r->json().value(u"refreshToken").toString().toLatin1();
        const QByteArray t2 = r->json().value(u"token").toString().toLatin1();

        // Within the grace time (10 s): refused, the session lives on.
        m_clock->advance(9000);
        CR_EXPECT_STATUS(refresh(a.refreshToken), 401);
        r = refresh(r2);
        CR_EXPECT_STATUS(r, 200);
        const QByteArray r3 = r->json().value(u"refreshToken").toString().toLatin1();
        const QByteArray t3 = r->json().value(u"token").toString().toLatin1();
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, t3, false), 200);

        // After the grace time: the whole family is revoked, its access tokens at once.
        m_clock->advance(11000);
        r = refresh(r2);
        CR_EXPECT_STATUS(r, 401);
        QVERIFY(r->json().value(u"message").toString().contains(u"revoked"));
        CR_EXPECT_STATUS(refresh(r3), 401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, t3, false), 401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, t2, false), 401);
        // Other sessions of the account are not affected.
        const std::optional<Account> again = api.login(a);
        QVERIFY(again);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, again->token, false), 200);

        r = api.call("GET", "/api/admin/logs?search=refresh.reuse", {}, admin.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 1);
        const QJsonObject entry = r->json().value(u"logs").toArray().first().toObject();
        QCOMPARE(entry.value(u"target").toString(), a.sessionId);
        QCOMPARE(entry.value(u"actorId").toString(), a.id);
    }

    void familyLifetime()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db, true);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        QByteArray refresh = a.refreshToken;
        // Refreshing keeps the family alive only up to 30 days from login.
        for (int day = 0; day < 29; day += 7) {
            m_clock->advance(qint64(7) * 24 * 3600 * 1000);
            const auto r = api.call(
                "POST", "/api/auth/refresh",
                QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(refresh)}});
            if (day + 7 < 30) {
                CR_EXPECT_STATUS(r, 200);
                refresh = r->json().value(u"refreshToken").toString().toLatin1();
            } else {
                CR_EXPECT_STATUS(r, 401);
            }
        }
    }

    // Password hashing sheds load: a login whose verify waited in the queue past its deadline
    // is answered 503 OVERLOADED, and the server recovers.
    void overloadedHashing()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db, true);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        cr::PasswordHasher &hasher = server->engine().identity()->passwordHasher();
        hasher.setPaused(true);
        const QJsonObject login{{QStringLiteral("email"), a.email},
                                {QStringLiteral("password"), kPassword}};
        RawClient first(server->port());
        first.send(idtest::requestBytes("POST", "/api/auth/login", &login));
        QTRY_COMPARE(hasher.queuedJobs(), 1);
        m_clock->advance(hasher.options().queueTimeoutMs + 1);
        RawClient second(server->port());
        second.send(idtest::requestBytes("POST", "/api/auth/login", &login));
        const auto r = first.read(15000);
        CR_EXPECT_STATUS(r, 503);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("OVERLOADED"));
        hasher.setPaused(false);
        CR_EXPECT_STATUS(second.read(15000), 200);
    }

    void registrationSwitch()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        cr::Settings s = idtest::settings(idtest::urlOf(db));
        s.allowRegistration = false;
        TestServer server(s);
        QVERIFY(server.start());
        const QJsonObject b{{QStringLiteral("email"), QStringLiteral("a@example.com")},
                            {QStringLiteral("password"), kPassword}};
        const auto r = idtest::call(server.port(), "POST", "/api/auth/register", &b);
        CR_EXPECT_STATUS(r, 403);
    }
};

QTEST_GUILESS_MAIN(TstIdentityAuth)
#include "tst_identity_auth.moc"
