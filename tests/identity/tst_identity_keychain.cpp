// The console's default: the master key in the OS keychain (a real Secret Service: run through
// tests/secrets/run-with-keyring.sh), loaded after the server listens. A first start mints the
// key into the keychain; a second start on the same data reads it back, so the signing keys
// (wrapped under it) survive.

#include "IdentityTestSupport.h"

#include "engine/Engine.h"
#include "secrets/KeychainSecretStore.h"

#include <QJsonArray>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>
#include <QUuid>

class TstIdentityKeychain : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    const QString m_service =
        QStringLiteral("CodeRunner-test-") + QUuid::createUuid().toString(QUuid::Id128).left(12);

    std::unique_ptr<cr::Engine> startConsoleEngine()
    {
        cr::Settings settings = idtest::settings();
        settings.dataDir = m_dir.path();
        auto engine = std::make_unique<cr::Engine>(settings);
        engine->setMasterKeyLoading(cr::SecretStoreKind::Keychain, true);
        engine->setSecretStoreFactory([this, settings](cr::SecretStoreKind kind) {
            std::unique_ptr<cr::SecretStore> store =
                std::make_unique<cr::KeychainSecretStore>(m_service, settings.keychainTimeoutMs);
            return kind == cr::SecretStoreKind::Keychain ? std::move(store) : nullptr;
        });
        if (const cr::Status st = engine->start(); !st) {
            qWarning("engine did not start: %s", qPrintable(st.error().message));
            return nullptr;
        }
        return engine;
    }

    static QString currentKid(quint16 port)
    {
        const auto r = idtest::call(port, "GET", "/.well-known/jwks.json");
        if (!r || r->status != 200)
            return QString();
        return r->json().value(u"keys").toArray().at(0).toObject().value(u"kid").toString();
    }

private Q_SLOTS:
    void keyInTheKeychainAcrossRestarts()
    {
        QString kid;
        {
            auto engine = startConsoleEngine();
            QVERIFY(engine);
            QSignalSpy ready(engine.get(), &cr::Engine::identityReady);
            QSignalSpy failed(engine.get(), &cr::Engine::identityUnavailable);
            QTRY_VERIFY_WITH_TIMEOUT(ready.size() + failed.size() > 0, 20000);
            QVERIFY2(failed.isEmpty(),
                     failed.isEmpty() ? "" : qPrintable(failed.at(0).at(0).toString()));
            kid = currentKid(engine->port());
            QVERIFY(!kid.isEmpty());
            // No key file: the key is in the keychain.
            QVERIFY(!QFile::exists(m_dir.filePath(QStringLiteral("master.key"))));
        }
        auto engine = startConsoleEngine();
        QVERIFY(engine);
        QTRY_VERIFY_WITH_TIMEOUT(engine->isIdentityReady(), 20000);
        QCOMPARE(currentKid(engine->port()), kid);
    }

    void cleanupTestCase()
    {
        cr::KeychainSecretStore store(m_service, 5000);
        QObject context;
        bool done = false;
        store.removeMasterKey(&context, [&done](cr::Status) { done = true; });
        QTRY_VERIFY(done);
    }
};

QTEST_GUILESS_MAIN(TstIdentityKeychain)
#include "tst_identity_keychain.moc"
