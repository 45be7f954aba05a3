// An authenticated WebSocket is closed with 4001 as soon as its session is revoked (CONTRACT
// §9): logout, logout-all, one session revoked, password change, role change, account
// disabled. Sockets of other sessions stay open. Real sockets, SQLite.

#include "IdentityTestSupport.h"
#include "StoreTestSupport.h"
#include "WsTestSupport.h"

#include <QTest>

using idtest::Account;
using idtest::Client;
using idtest::kPassword;

class TstIdentityWebSocket : public QObject
{
    Q_OBJECT

private:
    static std::unique_ptr<WsClient> connectAs(quint16 port, const Account &account)
    {
        auto ws = std::make_unique<WsClient>();
        if (!ws->open(port) || !ws->authenticate(account.token))
            return nullptr;
        return ws;
    }

    // Closed by the server with 4001 after an UNAUTHORIZED error message.
    static bool closedAsRevoked(WsClient &ws)
    {
        if (!ws.waitClosed(5000) || ws.closeCode() != 4001)
            return false;
        for (const QJsonObject &m : ws.messagesOfType(QStringLiteral("error"))) {
            if (m.value(u"code").toString() == u"UNAUTHORIZED")
                return true;
        }
        return false;
    }

private Q_SLOTS:
    void logoutAndSessionRevocation()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = idtest::startServer(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        const std::optional<Account> b = api.login(a);
        const std::optional<Account> c = api.login(a);
        QVERIFY(a.ok() && b && c);
        auto wsA = connectAs(server->port(), a);
        auto wsB = connectAs(server->port(), *b);
        auto wsC = connectAs(server->port(), *c);
        QVERIFY(wsA && wsB && wsC);

        CR_EXPECT_STATUS(api.call("POST", "/api/auth/logout", {}, a.token), 200);
        QVERIFY(closedAsRevoked(*wsA));
        QVERIFY(wsB->roundTrip());
        QVERIFY(wsC->roundTrip());

        const QByteArray path = "/api/auth/sessions/" + b->sessionId.toLatin1();
        CR_EXPECT_STATUS(api.call("DELETE", path, {}, c->token, false), 204);
        QVERIFY(closedAsRevoked(*wsB));
        QVERIFY(wsC->roundTrip());

        CR_EXPECT_STATUS(api.call("POST", "/api/auth/logout-all", {}, c->token), 200);
        QVERIFY(closedAsRevoked(*wsC));
    }

    void passwordChangeKeepsTheCurrentSession()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = idtest::startServer(db);
        QVERIFY(server);
        Client api(*server);
        const Account a = api.makeUser();
        const std::optional<Account> other = api.login(a);
        QVERIFY(a.ok() && other);
        const Account stranger = api.makeUser();
        auto wsCurrent = connectAs(server->port(), a);
        auto wsOther = connectAs(server->port(), *other);
        auto wsStranger = connectAs(server->port(), stranger);
        QVERIFY(wsCurrent && wsOther && wsStranger);

        CR_EXPECT_STATUS(api.call("PUT", "/api/auth/password",
                                  {{QStringLiteral("oldPassword"), kPassword},
                                   {QStringLiteral("newPassword"),
                                    QStringLiteral("Another-Long-Passphrase-42")}},
                                  a.token),
                         200);
        QVERIFY(closedAsRevoked(*wsOther));
        QVERIFY(wsCurrent->roundTrip());
        QVERIFY(wsStranger->roundTrip());
    }

    void roleChangeAndDisabling()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = idtest::startServer(db);
        QVERIFY(server);
        Client api(*server);
        const Account admin = api.makeUser(cr::Role::Admin, QStringLiteral("admin"));
        const Account demoted = api.makeUser(cr::Role::Operator);
        const Account disabled = api.makeUser();
        QVERIFY(admin.ok() && demoted.ok() && disabled.ok());
        auto wsAdmin = connectAs(server->port(), admin);
        auto wsDemoted = connectAs(server->port(), demoted);
        auto wsDisabled = connectAs(server->port(), disabled);
        QVERIFY(wsAdmin && wsDemoted && wsDisabled);

        CR_EXPECT_STATUS(api.call("PATCH", "/api/admin/users/" + demoted.id.toLatin1(),
                                  {{QStringLiteral("role"), QStringLiteral("viewer")}},
                                  admin.token),
                         200);
        QVERIFY(closedAsRevoked(*wsDemoted));
        QVERIFY(wsDisabled->roundTrip());

        CR_EXPECT_STATUS(api.call("PATCH", "/api/admin/users/" + disabled.id.toLatin1(),
                                  {{QStringLiteral("disabled"), true}}, admin.token),
                         200);
        QVERIFY(closedAsRevoked(*wsDisabled));
        QVERIFY(wsAdmin->roundTrip());
        QCOMPARE(wsAdmin->socket().state(), QAbstractSocket::ConnectedState);
    }
};

QTEST_GUILESS_MAIN(TstIdentityWebSocket)
#include "tst_identity_websocket.moc"
