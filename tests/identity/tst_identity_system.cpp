// GET /api/admin/system reports the sandbox capabilities of the host, detected once in the
// background (exec/SandboxProbe): the shape, and the answers checked against what the test
// finds by itself.

#include "IdentityTestSupport.h"
#include "StoreTestSupport.h"

#include "exec/SandboxCapabilities.h"

#include <QDir>
#include <QStandardPaths>
#include <QTest>

using idtest::Account;
using idtest::Client;

class TstIdentitySystem : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void detectDirectly()
    {
        const cr::SandboxCapabilities c = cr::SandboxCapabilities::detect();
        QVERIFY(c.detected);
        const QString bwrap = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
        QCOMPARE(c.bubblewrap.path, bwrap);
        if (c.bubblewrap.available)
            QVERIFY(!c.bubblewrap.version.isEmpty());
        QVERIFY(QStringList({QStringLiteral("v1"), QStringLiteral("v2"), QStringLiteral("hybrid"),
                             QStringLiteral("none")})
                    .contains(c.cgroupVersion));
        // cgroup v2 has cgroup.controllers at the top; v1 has one directory per controller.
        const bool v2 = QFile::exists(QStringLiteral("/sys/fs/cgroup/cgroup.controllers"));
        QCOMPARE(c.cgroupVersion == u"v2", v2);
        if (QDir(QStringLiteral("/sys/fs/cgroup/memory")).exists())
            QCOMPARE(c.cgroupVersion, QStringLiteral("v1"));
        QVERIFY(!c.seccompFilter || c.seccomp);
        QCOMPARE(c.toJson().value(u"ready").toBool(),
                 c.bubblewrap.available && c.userNamespaces && c.seccompFilter);
    }

    void reportedToOperators()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto server = idtest::startServer(db);
        QVERIFY(server);
        Client api(*server);
        const Account op = api.makeUser(cr::Role::Operator, QStringLiteral("op"));
        const Account dev = api.makeUser();
        QVERIFY(op.ok() && dev.ok());
        CR_EXPECT_STATUS(api.call("GET", "/api/admin/system", {}, dev.token, false), 403);

        QJsonObject sandbox;
        QTRY_VERIFY_WITH_TIMEOUT(
            [&] {
                const auto r = api.call("GET", "/api/admin/system", {}, op.token, false);
                if (!r || r->status != 200)
                    return false;
                sandbox = r->json().value(u"sandbox").toObject();
                return sandbox.value(u"detected").toBool();
            }(),
            10000);
        const cr::SandboxCapabilities local = cr::SandboxCapabilities::detect();
        QCOMPARE(sandbox, local.toJson());
        for (const char *key : {"bubblewrap", "userNamespaces", "seccomp", "cgroups"})
            QVERIFY2(sandbox.value(QLatin1String(key)).isObject(), key);
        QVERIFY(sandbox.value(u"ready").isBool());
        QVERIFY(sandbox.value(u"bubblewrap").toObject().value(u"available").isBool());
        QVERIFY(sandbox.value(u"seccomp").toObject().value(u"filter").isBool());
        QVERIFY(sandbox.value(u"cgroups").toObject().value(u"version").isString());
    }
};

QTEST_GUILESS_MAIN(TstIdentitySystem)
#include "tst_identity_system.moc"
