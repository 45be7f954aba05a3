// Every route of the identity module × {no token, viewer, developer, operator, admin, another
// developer} → the expected status (CONTRACT §1 order of refusals: 404/405 before 401, 401
// before 403, 403 before 404 for ids that are not the caller's). Each cell gets fresh accounts,
// so destructive routes (logout, password change) cannot disturb the next cell.

#include "IdentityTestSupport.h"

#include <QJsonArray>
#include <QTest>

using idtest::Account;
using idtest::Client;
using idtest::kPassword;

namespace {

enum Column
{
    None,
    Viewer,
    Developer,
    Operator,
    Admin,
    Other,
    Columns
};

const char *columnName(int c)
{
    static const char *names[] = {"no token", "viewer", "developer", "operator", "admin", "other"};
    return names[c];
}

cr::Role roleOf(int c)
{
    switch (c) {
    case Viewer:
        return cr::Role::Viewer;
    case Operator:
        return cr::Role::Operator;
    case Admin:
        return cr::Role::Admin;
    default:
        return cr::Role::Developer;
    }
}

} // namespace

class TstIdentityMatrix : public QObject
{
    Q_OBJECT

private:
    std::unique_ptr<TestServer> m_server;
    std::unique_ptr<Client> m_api;
    int m_registrations = 0;

    // Placeholders: {session} and {key} are the actor's own (the owner's for "other" and "no
    // token"), {user} a fresh developer; bodies may name {email}, {password}, {refresh}.
    QByteArray resolve(QByteArray path, const Account &owner, const Account &self)
    {
        if (path.contains("{session}"))
            path.replace("{session}", self.sessionId.toLatin1());
        if (path.contains("{key}")) {
            const auto r =
                m_api->call("POST", "/api/auth/api-keys",
                            QJsonObject{{QStringLiteral("name"), QStringLiteral("m")}}, self.token);
            path.replace(
                "{key}",
                r ? r->json().value(u"apiKey").toObject().value(u"id").toString().toLatin1()
                  : QByteArray("missing"));
        }
        if (path.contains("{user}"))
            path.replace("{user}", m_api->makeUser().id.toLatin1());
        Q_UNUSED(owner);
        return path;
    }

    QJsonObject resolveBody(const QJsonObject &body, const Account &self)
    {
        QJsonObject out;
        for (auto it = body.begin(); it != body.end(); ++it) {
            const QString v = it.value().toString();
            if (v == u"{email}")
                out.insert(it.key(), self.email);
            else if (v == u"{password}")
                out.insert(it.key(), self.password);
            else if (v == u"{refresh}")
                out.insert(it.key(), QString::fromLatin1(self.refreshToken));
            else if (v == u"{new-email}")
                out.insert(it.key(), QStringLiteral("fresh-%1@example.com").arg(++m_registrations));
            else
                out.insert(it.key(), it.value());
        }
        return out;
    }

private Q_SLOTS:
    void initTestCase()
    {
        m_server = std::make_unique<TestServer>(idtest::settings());
        QVERIFY(m_server->start());
        m_api = std::make_unique<Client>(*m_server);
    }
    void cleanupTestCase()
    {
        m_api.reset();
        m_server.reset();
    }

    void matrix_data()
    {
        QTest::addColumn<QByteArray>("method");
        QTest::addColumn<QByteArray>("path");
        QTest::addColumn<bool>("hasBody");
        QTest::addColumn<QJsonObject>("body");
        QTest::addColumn<QList<int>>("expected");

        const QJsonObject none;
        const auto row = [](const char *name, const char *method, const char *path,
                            std::optional<QJsonObject> body, QList<int> expected) {
            QTest::newRow(name) << QByteArray(method) << QByteArray(path) << body.has_value()
                                << body.value_or(QJsonObject()) << expected;
        };
        const QList<int> all200{200, 200, 200, 200, 200, 200};
        const QList<int> user200{401, 200, 200, 200, 200, 200};
        const QJsonObject login{{QStringLiteral("email"), QStringLiteral("{email}")},
                                {QStringLiteral("password"), QStringLiteral("{password}")}};

        row("GET jwks", "GET", "/.well-known/jwks.json", {}, all200);
        row("POST register", "POST", "/api/auth/register",
            QJsonObject{{QStringLiteral("email"), QStringLiteral("{new-email}")},
                        {QStringLiteral("password"), kPassword}},
            {201, 201, 201, 201, 201, 201});
        row("POST login", "POST", "/api/auth/login", login, all200);
        row("POST refresh", "POST", "/api/auth/refresh",
            QJsonObject{{QStringLiteral("refreshToken"), QStringLiteral("{refresh}")}}, all200);
        row("POST validate-password", "POST", "/api/auth/validate-password",
            QJsonObject{{QStringLiteral("password"), QStringLiteral("x")}}, all200);
        row("POST logout", "POST", "/api/auth/logout", none, user200);
        row("POST logout-all", "POST", "/api/auth/logout-all", none, user200);
        row("GET profile", "GET", "/api/auth/profile", {}, user200);
        row("GET me", "GET", "/api/auth/me", {}, user200);
        row("PUT profile", "PUT", "/api/auth/profile",
            QJsonObject{{QStringLiteral("name"), QStringLiteral("N")}}, user200);
        row("PUT password", "PUT", "/api/auth/password",
            QJsonObject{{QStringLiteral("oldPassword"), QStringLiteral("{password}")},
                        {QStringLiteral("newPassword"), QStringLiteral("another Strong one 77")}},
            user200);
        row("GET sessions", "GET", "/api/auth/sessions", {}, user200);
        row("DELETE sessions", "DELETE", "/api/auth/sessions", {}, user200);
        row("DELETE sessions/:id", "DELETE", "/api/auth/sessions/{session}", {},
            {401, 204, 204, 204, 204, 404});
        row("DELETE sessions/not-a-uuid", "DELETE", "/api/auth/sessions/x", {},
            {401, 404, 404, 404, 404, 404});
        row("GET api-keys", "GET", "/api/auth/api-keys", {}, user200);
        row("POST api-keys", "POST", "/api/auth/api-keys",
            QJsonObject{{QStringLiteral("name"), QStringLiteral("k")}},
            {401, 201, 201, 201, 201, 201});
        row("GET api-keys/:id", "GET", "/api/auth/api-keys/{key}", {},
            {401, 200, 200, 200, 200, 404});
        row("DELETE api-keys/:id", "DELETE", "/api/auth/api-keys/{key}", {},
            {401, 204, 204, 204, 204, 404});
        row("GET api-keys/not-a-uuid", "GET", "/api/auth/api-keys/nope", {},
            {401, 404, 404, 404, 404, 404});
        row("GET admin/users", "GET", "/api/admin/users", {}, {401, 403, 403, 403, 200, 403});
        row("PATCH admin/users/:id", "PATCH", "/api/admin/users/{user}",
            QJsonObject{{QStringLiteral("role"), QStringLiteral("viewer")}},
            {401, 403, 403, 403, 200, 403});
        row("PATCH admin/users/not-a-uuid", "PATCH", "/api/admin/users/nope",
            QJsonObject{{QStringLiteral("role"), QStringLiteral("viewer")}},
            {401, 403, 403, 403, 404, 403});
        row("GET admin/system", "GET", "/api/admin/system", {}, {401, 403, 403, 200, 200, 403});
        row("GET admin/logs", "GET", "/api/admin/logs", {}, {401, 403, 403, 200, 200, 403});
        row("PATCH me (405)", "PATCH", "/api/auth/me", none, {405, 405, 405, 405, 405, 405});
        row("unknown path (404)", "GET", "/api/auth/nope", {}, {404, 404, 404, 404, 404, 404});
    }

    void matrix()
    {
        QFETCH(QByteArray, method);
        QFETCH(QByteArray, path);
        QFETCH(bool, hasBody);
        QFETCH(QJsonObject, body);
        QFETCH(QList<int>, expected);
        QCOMPARE(expected.size(), int(Columns));
        for (int c = 0; c < Columns; ++c) {
            const Account owner = m_api->makeUser();
            QVERIFY(owner.ok());
            Account actor = owner;
            if (c != None && c != Other) {
                actor = m_api->makeUser(roleOf(c));
                QVERIFY(actor.ok());
            }
            // "other" acts with its own token on the owner's resources; "no token" sends none.
            QByteArray token;
            if (c == Other) {
                const Account other = m_api->makeUser();
                QVERIFY(other.ok());
                token = other.token;
            } else if (c != None) {
                token = actor.token;
            }
            const QByteArray target = resolve(path, owner, actor);
            const QJsonObject sent = resolveBody(body, actor);
            const auto r = m_api->call(method, target, sent, token, hasBody);
            QVERIFY2(r, columnName(c));
            QVERIFY2(r->status == expected[c],
                     qPrintable(QStringLiteral("%1: status %2, expected %3: %4")
                                    .arg(QString::fromLatin1(columnName(c)))
                                    .arg(r->status)
                                    .arg(expected[c])
                                    .arg(QString::fromUtf8(r->body.left(300)))));
        }
    }
};

QTEST_GUILESS_MAIN(TstIdentityMatrix)
#include "tst_identity_matrix.moc"
