// Revocation takes effect at once (logout-all, session revocation, password change, role
// change, disabling), API keys (role capping, refusal of key/session/password management,
// revocation, expiry), the admin endpoints and the audit log, signing keys across restarts,
// and refusing to start on a bad database.

#include "IdentityTestSupport.h"
#include "StoreTestSupport.h"
#include "identity/OpaqueToken.h"

#include <QJsonArray>
#include <QTest>

using idtest::Account;
using idtest::Client;
using idtest::kPassword;

class TstIdentityRevocation : public QObject
{
    Q_OBJECT

private:
    std::shared_ptr<cr::ManualClock> m_clock;

    std::unique_ptr<TestServer> start(const cr::test::TestDatabase &db, bool manualClock = false)
    {
        m_clock = manualClock ? std::make_shared<cr::ManualClock>() : nullptr;
        return idtest::startServer(db, m_clock);
    }

    static int status(const std::optional<RawClient::Response> &r) { return r ? r->status : 0; }

private Q_SLOTS:
    void sessionsAndLogoutAll_data() { cr::test::addBackendRows(); }
    void sessionsAndLogoutAll()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        const std::optional<Account> b = api.login(a);
        const std::optional<Account> c = api.login(a);
        QVERIFY(b && c);

        auto r = api.call("GET", "/api/auth/sessions", {}, a.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 3);
        const QJsonArray sessions = r->json().value(u"sessions").toArray();
        int current = 0;
        for (const QJsonValue &v : sessions) {
            const QJsonObject s = v.toObject();
            QCOMPARE(s.value(u"ip").toString(), QStringLiteral("127.0.0.1"));
            QCOMPARE(s.value(u"device").toString(), QStringLiteral("identity-test"));
            QVERIFY(s.value(u"lastSeenAt").toString().endsWith(u'Z'));
            if (s.value(u"current").toBool()) {
                ++current;
                QCOMPARE(s.value(u"id").toString(), a.sessionId);
            }
        }
        QCOMPARE(current, 1);

        // One session revoked: its token fails at once, the others do not.
        const QByteArray path = "/api/auth/sessions/" + b->sessionId.toLatin1();
        CR_EXPECT_STATUS(api.call("DELETE", path, {}, a.token, false), 204);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, b->token, false), 401);
        CR_EXPECT_STATUS(api.call("DELETE", path, {}, a.token, false), 404);
        CR_EXPECT_STATUS(api.call("DELETE", "/api/auth/sessions/not-a-uuid", {}, a.token, false),
                         404);
        CR_EXPECT_STATUS(api.call("DELETE", "/api/auth/sessions/not-a-uuid", {}, {}, false), 401);

        // Everything but this one.
        r = api.call("DELETE", "/api/auth/sessions", {}, a.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"revoked").toInt(), 1);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, c->token, false), 401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, a.token, false), 200);

        // logout-all: every session, this one too.
        const std::optional<Account> d = api.login(a);
        QVERIFY(d);
        r = api.call("POST", "/api/auth/logout-all", {}, a.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"revoked").toInt(), 2);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, a.token, false), 401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, d->token, false), 401);
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/refresh",
                                  QJsonObject{{QStringLiteral("refreshToken"),
                                               QString::fromLatin1(d->refreshToken)}}),
                         401);
    }

    void passwordChange_data() { cr::test::addBackendRows(); }
    void passwordChange()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        const std::optional<Account> other = api.login(a);
        QVERIFY(other);
        const QString fresh = QStringLiteral("another Strong passphrase 42");

        const auto change = [&](const QString &oldPw, const QString &newPw) {
            return api.call("PUT", "/api/auth/password",
                            QJsonObject{{QStringLiteral("oldPassword"), oldPw},
                                        {QStringLiteral("newPassword"), newPw}},
                            a.token);
        };
        auto r = change(QStringLiteral("wrong password!!"), fresh);
        CR_EXPECT_STATUS(r, 401);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("INVALID_CREDENTIALS"));
        r = change(kPassword, QStringLiteral("Password123!"));
        CR_EXPECT_STATUS(r, 400);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("WEAK_PASSWORD"));
        CR_EXPECT_STATUS(api.call("PUT", "/api/auth/password",
                                  QJsonObject{{QStringLiteral("newPassword"), fresh}}, a.token),
                         400);
        // Nothing changed so far.
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, other->token, false), 200);

        r = change(kPassword, fresh);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"sessionsRevoked").toInt(), 1);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, a.token, false), 200);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, other->token, false), 401);
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/refresh",
                                  QJsonObject{{QStringLiteral("refreshToken"),
                                               QString::fromLatin1(other->refreshToken)}}),
                         401);
        QVERIFY(!api.login(a));
        Account renewed = a;
        renewed.password = fresh;
        QVERIFY(api.login(renewed));
    }

    void roleChangeAndDisable_data() { cr::test::addBackendRows(); }
    void roleChangeAndDisable()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account admin = api.makeUser(cr::Role::Admin);
        const Account a = api.makeUser();
        QVERIFY(admin.ok() && a.ok());
        const QByteArray path = "/api/admin/users/" + a.id.toLatin1();

        // Role change: the old token (role claim developer) fails at once.
        auto r = api.call("PATCH", path,
                          QJsonObject{{QStringLiteral("role"), QStringLiteral("operator")}},
                          admin.token);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"user").toObject().value(u"role").toString(),
                 QStringLiteral("operator"));
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, a.token, false), 401);
        // The refresh token still works and brings the new role.
        r = api.call(
            "POST", "/api/auth/refresh",
            QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(a.refreshToken)}});
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"user").toObject().value(u"role").toString(),
                 QStringLiteral("operator"));
        const QByteArray operatorToken = r->json().value(u"token").toString().toLatin1();
        const QByteArray refresh = r->json().value(u"refreshToken").toString().toLatin1();
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, operatorToken, false), 200);

        // An API key of the account, to see it die with the account.
        r = api.call("POST", "/api/auth/api-keys",
                     QJsonObject{{QStringLiteral("name"), QStringLiteral("k")}}, operatorToken);
        CR_EXPECT_STATUS(r, 201);
        const QByteArray key = r->json().value(u"key").toString().toLatin1();
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, key, false), 200);

        // Disabling: tokens, refresh tokens, API keys and logins all fail at once.
        r = api.call("PATCH", path, QJsonObject{{QStringLiteral("disabled"), true}}, admin.token);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"user").toObject().value(u"disabled").toBool(), true);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, operatorToken, false), 401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, key, false), 401);
        CR_EXPECT_STATUS(
            api.call("POST", "/api/auth/refresh",
                     QJsonObject{{QStringLiteral("refreshToken"), QString::fromLatin1(refresh)}}),
            401);
        r = api.call("POST", "/api/auth/login",
                     QJsonObject{{QStringLiteral("email"), a.email},
                                 {QStringLiteral("password"), kPassword}});
        CR_EXPECT_STATUS(r, 401);
        QCOMPARE(r->json().value(u"code").toString(), QStringLiteral("INVALID_CREDENTIALS"));

        // Enabled again: old tokens stay dead; a new login works, and so does the key.
        CR_EXPECT_STATUS(
            api.call("PATCH", path, QJsonObject{{QStringLiteral("disabled"), false}}, admin.token),
            200);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, operatorToken, false), 401);
        const std::optional<Account> back = api.login(a);
        QVERIFY(back);
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, back->token, false), 200);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, key, false), 200);

        // The audit log has both changes with who, where and the result.
        r = api.call("GET", "/api/admin/logs?search=admin.user.update&limit=10", {}, admin.token,
                     false);
        CR_EXPECT_STATUS(r, 200);
        int aboutA = 0;
        for (const QJsonValue &v : r->json().value(u"logs").toArray())
            aboutA += v.toObject().value(u"target").toString() == a.id;
        QCOMPARE(aboutA, 3); // operator, disabled, enabled
        const QJsonObject newest = r->json().value(u"logs").toArray().first().toObject();
        QCOMPARE(newest.value(u"actorId").toString(), admin.id);
        QCOMPARE(newest.value(u"actorEmail").toString(), admin.email);
        QCOMPARE(newest.value(u"target").toString(), a.id);
        QCOMPARE(newest.value(u"ip").toString(), QStringLiteral("127.0.0.1"));
        QCOMPARE(newest.value(u"result").toString(), QStringLiteral("success"));
    }

    void adminUsers()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account admin = api.makeUser(cr::Role::Admin, QStringLiteral("boss"));
        QVERIFY(admin.ok());
        for (int i = 0; i < 5; ++i)
            QVERIFY(api.makeUser(cr::Role::Developer, QStringLiteral("dev_%1").arg(i)).ok());

        auto r = api.call("GET", "/api/admin/users?limit=2&page=2", {}, admin.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 6);
        QCOMPARE(r->json().value(u"page").toInt(), 2);
        QCOMPARE(r->json().value(u"users").toArray().size(), 2);
        QVERIFY(!r->body.toLower().contains("password"));
        r = api.call("GET", "/api/admin/users?search=BOSS", {}, admin.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 1);
        // LIKE wildcards in the search are literal.
        r = api.call("GET", "/api/admin/users?search=dev_%25", {}, admin.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 0);
        r = api.call("GET", "/api/admin/users?search=v_1", {}, admin.token, false);
        QCOMPARE(r->json().value(u"total").toInt(), 1);
        r = api.call("GET", "/api/admin/users?search=%27%20OR%201%3D1%20--", {}, admin.token,
                     false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 0);

        for (const char *bad : {"limit=101", "limit=0", "page=0", "page=x"})
            CR_EXPECT_STATUS(
                api.call("GET", QByteArray("/api/admin/users?") + bad, {}, admin.token, false),
                400);

        const QByteArray self = "/api/admin/users/" + admin.id.toLatin1();
        CR_EXPECT_STATUS(api.call("PATCH", self,
                                  QJsonObject{{QStringLiteral("role"), QStringLiteral("viewer")}},
                                  admin.token),
                         403);
        const QByteArray unknown = "/api/admin/users/00000000-0000-4000-8000-000000000000";
        CR_EXPECT_STATUS(api.call("PATCH", unknown,
                                  QJsonObject{{QStringLiteral("role"), QStringLiteral("viewer")}},
                                  admin.token),
                         404);
        const Account target = api.makeUser();
        const QByteArray path = "/api/admin/users/" + target.id.toLatin1();
        CR_EXPECT_STATUS(api.call("PATCH", path,
                                  QJsonObject{{QStringLiteral("role"), QStringLiteral("root")}},
                                  admin.token),
                         400);
        CR_EXPECT_STATUS(api.call("PATCH", path,
                                  QJsonObject{{QStringLiteral("disabled"), QStringLiteral("yes")}},
                                  admin.token),
                         400);
        CR_EXPECT_STATUS(api.call("PATCH", path, QJsonObject(), admin.token), 400);

        r = api.call("GET", "/api/admin/system", {}, admin.token, false);
        CR_EXPECT_STATUS(r, 200);
        const QJsonObject sys = r->json().value(u"data").toObject();
        QCOMPARE(sys.value(u"database").toObject().value(u"backend").toString(),
                 QStringLiteral("sqlite"));
        QCOMPARE(sys.value(u"database").toObject().value(u"schemaVersion").toInt(), 1);
        QVERIFY(sys.contains(u"uptimeSeconds"));
        QCOMPARE(sys.value(u"version").toString(), QStringLiteral(CODERUNNER_VERSION));
        QVERIFY(!r->body.toLower().contains("password\":"));
    }

    void auditLog()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db);
        QVERIFY(server);
        Client api(*server);
        const Account op = api.makeUser(cr::Role::Operator);
        QVERIFY(op.ok());
        Account bad = op;
        bad.password = QStringLiteral("not the password");
        QVERIFY(!api.login(bad));
        auto r =
            api.call("GET", "/api/admin/logs?search=auth.login&limit=100", {}, op.token, false);
        CR_EXPECT_STATUS(r, 200);
        int failures = 0;
        int successes = 0;
        for (const QJsonValue &v : r->json().value(u"logs").toArray()) {
            const QJsonObject e = v.toObject();
            QVERIFY(e.value(u"at").toString().endsWith(u'Z'));
            QCOMPARE(e.value(u"ip").toString(), QStringLiteral("127.0.0.1"));
            if (e.value(u"result").toString() == u"failure") {
                ++failures;
                QCOMPARE(e.value(u"details").toObject().value(u"reason").toString(),
                         QStringLiteral("wrong password"));
            } else {
                ++successes;
            }
        }
        QCOMPARE(failures, 1);
        QCOMPARE(successes, 1); // the login that made the token with the operator role
        QVERIFY(!r->body.contains(kPassword.toUtf8()));
        QVERIFY(!r->body.contains("not the password"));
    }

    void apiKeys()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = start(db, true);
        QVERIFY(server);
        Client api(*server);
        const Account admin = api.makeUser(cr::Role::Admin);
        const Account op = api.makeUser(cr::Role::Operator);
        const Account dev = api.makeUser();
        QVERIFY(admin.ok() && op.ok() && dev.ok());

        // Creation: the key is shown once, in the documented shape.
        auto r = api.call("POST", "/api/auth/api-keys",
                          QJsonObject{{QStringLiteral("name"), QStringLiteral("ci")}}, op.token);
        CR_EXPECT_STATUS(r, 201);
        const QByteArray opKey = r->json().value(u"key").toString().toLatin1();
        QVERIFY(cr::OpaqueToken::isApiKeyShape(opKey));
        const QString opKeyId = r->json().value(u"apiKey").toObject().value(u"id").toString();
        QCOMPARE(r->json().value(u"apiKey").toObject().value(u"role").toString(),
                 QStringLiteral("operator"));
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, opKey, false), 200);

        // No higher than the owner; bad input.
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/api-keys",
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                              {QStringLiteral("role"), QStringLiteral("admin")}},
                                  dev.token),
                         403);
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/api-keys",
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                              {QStringLiteral("role"), QStringLiteral("boss")}},
                                  dev.token),
                         400);
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/api-keys", QJsonObject(), dev.token), 400);
        CR_EXPECT_STATUS(api.call("POST", "/api/auth/api-keys",
                                  QJsonObject{{QStringLiteral("name"), QStringLiteral("x")},
                                              {QStringLiteral("expiresAt"),
                                               QStringLiteral("2020-01-01T00:00:00Z")}},
                                  dev.token),
                         400);

        // A viewer key of a developer acts as a viewer.
        r = api.call(
            "POST", "/api/auth/api-keys",
            QJsonObject{{QStringLiteral("name"), QStringLiteral("read-only")},
                        {QStringLiteral("role"), QStringLiteral("viewer")},
                        {QStringLiteral("expiresAt"), QStringLiteral("2026-01-02T00:00:00Z")}},
            dev.token);
        CR_EXPECT_STATUS(r, 201);
        const QByteArray devKey = r->json().value(u"key").toString().toLatin1();
        const QString devKeyId = r->json().value(u"apiKey").toObject().value(u"id").toString();
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, devKey, false), 200);

        // API keys cannot manage keys, sessions or passwords.
        const QJsonObject none;
        struct Refused
        {
            const char *method;
            QByteArray path;
            bool body;
        };
        const QList<Refused> refused{
            {"GET", "/api/auth/api-keys", false},
            {"POST", "/api/auth/api-keys", true},
            {"GET", "/api/auth/api-keys/" + devKeyId.toLatin1(), false},
            {"DELETE", "/api/auth/api-keys/" + devKeyId.toLatin1(), false},
            {"GET", "/api/auth/sessions", false},
            {"DELETE", "/api/auth/sessions", false},
            {"DELETE", "/api/auth/sessions/" + dev.sessionId.toLatin1(), false},
            {"POST", "/api/auth/logout", false},
            {"POST", "/api/auth/logout-all", false},
            {"PUT", "/api/auth/password", true},
        };
        for (const Refused &x : refused) {
            r = api.call(x.method, x.path,
                         QJsonObject{{QStringLiteral("name"), QStringLiteral("k")},
                                     {QStringLiteral("oldPassword"), kPassword},
                                     {QStringLiteral("newPassword"),
                                      QStringLiteral("x another strong one 9")}},
                         devKey, x.body);
            QVERIFY2(status(r) == 403, x.path.constData());
        }
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, dev.token, false), 200);

        // Capping: the operator's key follows its owner down to viewer.
        QVERIFY(api.setRole(op.id, cr::Role::Viewer));
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, opKey, false), 403);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, opKey, false), 200);
        QVERIFY(api.setRole(op.id, cr::Role::Operator));
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, opKey, false), 200);

        // Listing: no secrets, the last use is known; another user's key id is not found.
        r = api.call("GET", "/api/auth/api-keys", {}, dev.token, false);
        CR_EXPECT_STATUS(r, 200);
        QCOMPARE(r->json().value(u"total").toInt(), 1);
        const QJsonObject listed = r->json().value(u"apiKeys").toArray().first().toObject();
        QVERIFY(!listed.value(u"lastUsedAt").isNull());
        QVERIFY(!r->body.contains(devKey));
        QVERIFY(!r->body.contains("hash"));
        CR_EXPECT_STATUS(
            api.call("GET", "/api/auth/api-keys/" + devKeyId.toLatin1(), {}, dev.token, false),
            200);
        CR_EXPECT_STATUS(
            api.call("GET", "/api/auth/api-keys/" + opKeyId.toLatin1(), {}, dev.token, false), 404);
        CR_EXPECT_STATUS(
            api.call("DELETE", "/api/auth/api-keys/" + opKeyId.toLatin1(), {}, dev.token, false),
            404);

        // Revocation is immediate; expiry too.
        CR_EXPECT_STATUS(
            api.call("DELETE", "/api/auth/api-keys/" + opKeyId.toLatin1(), {}, op.token, false),
            204);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, opKey, false), 401);
        m_clock->advance(qint64(25) * 3600 * 1000);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, devKey, false), 401);
        // Garbage in the key shape.
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, "cr_" + QByteArray(43, 'A'), false),
                         401);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, "cr_short", false), 401);
    }

    void signingKeysAcrossRestart_data()
    {
        // Either way the keys are stored wrapped: by an injected wrapper, or by the master key
        // the engine loads itself from the key file in the data directory.
        QTest::addColumn<bool>("wrapped");
        QTest::newRow("injected key wrapper") << true;
        QTest::newRow("master key from the key file") << false;
    }
    void signingKeysAcrossRestart()
    {
        QFETCH(bool, wrapped);
        QTemporaryDir dir;
        cr::Settings s = idtest::settings();
        s.dataDir = dir.path();
        QByteArray token;
        QByteArray refresh;
        QString kid;
        for (int run = 0; run < 2; ++run) {
            cr::Engine engine(s);
            if (wrapped)
                engine.setKeyWrapper(std::make_shared<idtest::FakeKeyWrapper>());
            QVERIFY(engine.start().ok());
            const auto jwks = RawClient::get(engine.port(), "/.well-known/jwks.json");
            QVERIFY(jwks);
            const QString nowKid =
                jwks->json().value(u"keys").toArray().first().toObject().value(u"kid").toString();
            if (run == 0) {
                const QJsonObject b{{QStringLiteral("email"), QStringLiteral("k@example.com")},
                                    {QStringLiteral("password"), kPassword}};
                const auto r = idtest::call(engine.port(), "POST", "/api/auth/register", &b);
                CR_EXPECT_STATUS(r, 201);
                token = r->json().value(u"token").toString().toLatin1();
                refresh = r->json().value(u"refreshToken").toString().toLatin1();
                kid = nowKid;
            } else {
                QCOMPARE(nowKid, kid);
                CR_EXPECT_STATUS(idtest::call(engine.port(), "GET", "/api/auth/me", nullptr, token),
                                 200);
                // Refresh tokens are rows, not signatures: they survive either way.
                const QJsonObject b{{QStringLiteral("refreshToken"), QString::fromLatin1(refresh)}};
                CR_EXPECT_STATUS(idtest::call(engine.port(), "POST", "/api/auth/refresh", &b), 200);
            }
        }
    }

    void startRefusedOnBadDatabase()
    {
        QTemporaryDir dir;
        cr::Settings s = idtest::settings(QStringLiteral("mysql://db.example.com/x"));
        s.dataDir = dir.path();
        {
            cr::Engine engine(s);
            const cr::Status st = engine.start();
            QVERIFY(!st);
            QVERIFY2(st.error().message.startsWith(u"database configuration"),
                     qPrintable(st.error().message));
        }
        // A schema newer than this program: refused, with the migrator's message.
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        {
            auto conn = cr::test::openDb(db);
            QVERIFY(conn->execUnprepared(cr::Sql("CREATE TABLE schema_migrations (version INTEGER"
                                                 " PRIMARY KEY, applied_at BIGINT)"))
                        .ok());
            QVERIFY(conn->exec(cr::Sql("INSERT INTO schema_migrations VALUES (99, 0)")).ok());
        }
        s.database = idtest::urlOf(db);
        cr::Engine engine(s);
        const cr::Status st = engine.start();
        QVERIFY(!st);
        QVERIFY2(st.error().message.contains(u"newer"), qPrintable(st.error().message));
        QVERIFY(!engine.isRunning());
    }
};

QTEST_GUILESS_MAIN(TstIdentityRevocation)
#include "tst_identity_revocation.moc"
