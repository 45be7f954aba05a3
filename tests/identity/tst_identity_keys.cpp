// Signing-key rotation by command reaches a running server without a restart: the server
// reloads the keys from the database (a storage job, every signingKeyReloadMs), signs with the
// new key, still verifies tokens of the previous one, and lists the previous public key in the
// JWKS until its last token has expired (ManualClock), then drops it.

#include "IdentityTestSupport.h"
#include "StoreTestSupport.h"

#include "auth/KeySet.h"
#include "core/KeyWrapper.h"
#include "engine/StorageBootstrap.h"
#include "identity/Identity.h"
#include "identity/IdentityOptions.h"
#include "identity/SigningKeyStore.h"
#include "store/Db.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QTest>

using idtest::Account;
using idtest::Client;

namespace {

QStringList kidsOf(const std::optional<RawClient::Response> &jwks)
{
    QStringList out;
    if (!jwks)
        return out;
    for (const QJsonValue &k : jwks->json().value(u"keys").toArray())
        out << k.toObject().value(u"kid").toString();
    return out;
}

QString kidOfToken(const QByteArray &token)
{
    const QByteArray header =
        QByteArray::fromBase64(token.split('.').value(0), QByteArray::Base64UrlEncoding);
    return QJsonDocument::fromJson(header).object().value(u"kid").toString();
}

} // namespace

class TstIdentityKeys : public QObject
{
    Q_OBJECT

private:
    // What `coderunner-server keys rotate` does, on a connection of its own.
    static cr::Result<cr::SigningKey> rotateInDatabase(const cr::Settings &settings,
                                                       const cr::Clock &clock)
    {
        cr::Result<cr::StorageBootstrap::Database> database =
            cr::StorageBootstrap::openDatabase(settings, clock);
        if (!database)
            return database.error();
        cr::Result<std::shared_ptr<const cr::KeyWrapper>> key = cr::StorageBootstrap::loadMasterKey(
            settings, *database.value().db, cr::SecretStoreKind::KeyFile);
        if (!key)
            return key.error();
        cr::KeySet keys(clock, cr::IdentityOptions::fromSettings(settings).signingKeyRetentionMs());
        return cr::SigningKeyStore(key.value()).rotate(*database.value().db, keys);
    }

private Q_SLOTS:
    void rotationReachesARunningServer_data() { cr::test::addBackendRows(); }
    void rotationReachesARunningServer()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto clock = std::make_shared<cr::ManualClock>();
        cr::Settings settings = idtest::settings(idtest::urlOf(db));
        settings.signingKeyReloadMs = 100;
        auto server = std::make_unique<TestServer>(settings, clock);
        QVERIFY(server->start());
        Client api(*server);
        const Account a = api.makeUser();
        QVERIFY(a.ok());
        const QStringList before =
            kidsOf(idtest::call(server->port(), "GET", "/.well-known/jwks.json"));
        QCOMPARE(before.size(), 1);
        QCOMPARE(kidOfToken(a.token), before.first());

        const cr::Result<cr::SigningKey> fresh = rotateInDatabase(server->settings(), *clock);
        QVERIFY2(fresh, fresh ? "" : qPrintable(fresh.error().message));

        // Picked up by the reload timer: the new key first, the previous one still listed.
        QTRY_COMPARE_WITH_TIMEOUT(
            kidsOf(idtest::call(server->port(), "GET", "/.well-known/jwks.json")),
            (QStringList{fresh.value().kid(), before.first()}), 10000);
        CR_EXPECT_STATUS(api.call("GET", "/api/auth/me", {}, a.token, false), 200);
        const std::optional<Account> b = api.login(a);
        QVERIFY(b);
        QCOMPARE(kidOfToken(b->token), fresh.value().kid());

        // A reload that finds nothing new changes nothing.
        bool answered = false, changed = true;
        server->engine().identity()->reloadKeys([&](bool c) {
            answered = true;
            changed = c;
        });
        QTRY_VERIFY(answered);
        QVERIFY(!changed);

        // Until the old key's last token has expired (lifetime + leeway + one reload
        // interval after the rotation) the previous key stays; then it is gone.
        const qint64 retention =
            cr::IdentityOptions::fromSettings(settings).signingKeyRetentionMs();
        clock->advance(retention - 1000);
        QCOMPARE(kidsOf(idtest::call(server->port(), "GET", "/.well-known/jwks.json")).size(), 2);
        clock->advance(2000);
        QCOMPARE(kidsOf(idtest::call(server->port(), "GET", "/.well-known/jwks.json")),
                 QStringList{fresh.value().kid()});
    }
};

QTEST_GUILESS_MAIN(TstIdentityKeys)
#include "tst_identity_keys.moc"
