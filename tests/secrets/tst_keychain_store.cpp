// KeychainSecretStore against a real Secret Service: run by run-with-keyring.sh inside a private
// D-Bus session with an unlocked gnome-keyring, a throw-away HOME and no display. A unique
// service name per run. Write / read / not found / remove, services kept apart, no plain-text
// fallback file, the bootstrap over the keychain (mint, read again, refuse when deleted), and a
// locked keychain minting nothing.
// Without a keyring this test fails with a message; it never skips.

#include "SecretsTestSupport.h"

#include "secrets/KeychainSecretStore.h"
#include "secrets/MasterKeyBootstrap.h"
#include "secrets/MasterKeyRecord.h"

#include <QCoreApplication>
#include <QDBusConnection>
#include <QDBusMessage>
#include <QDBusObjectPath>
#include <QDir>
#include <QDirIterator>
#include <QTest>
#include <QUuid>

using namespace cr;
using namespace cr::test;

class tst_KeychainStore : public QObject
{
    Q_OBJECT

private:
    QString m_service;
    QString uniqueService(const QString &purpose) const { return m_service + u'-' + purpose; }

private Q_SLOTS:
    void initTestCase()
    {
        if (qEnvironmentVariableIsEmpty("DBUS_SESSION_BUS_ADDRESS"))
            QFAIL("no D-Bus session: run this test through tests/secrets/run-with-keyring.sh "
                  "(ctest does), which needs dbus and gnome-keyring (scripts/deps.sh test)");
        QVERIFY2(qEnvironmentVariableIsEmpty("DISPLAY"),
                 "the keychain test runs without a display");
        m_service = QStringLiteral("CodeRunner-test-%1-%2")
                        .arg(QCoreApplication::applicationPid())
                        .arg(QUuid::createUuid().toString(QUuid::Id128).left(12));
        // The keychain answers at all (a clear failure here instead of in every test).
        KeychainSecretStore probe(uniqueService(QStringLiteral("probe")), kAnswerBoundMs);
        const auto read = readKey(probe);
        QVERIFY2(read, "the keychain did not answer");
        QVERIFY2(read->ok(),
                 qPrintable(QStringLiteral("the keychain cannot be used: ") + errorText(*read)));
        QVERIFY(!read->value().has_value());
    }

    void writeReadRemove()
    {
        KeychainSecretStore store(uniqueService(QStringLiteral("basic")), kAnswerBoundMs);
        QCOMPARE(store.kind(), SecretStoreKind::Keychain);
        QVERIFY(store.location().contains(store.service()));

        const auto missing = readKey(store);
        QVERIFY2(missing, "no answer");
        QVERIFY2(missing->ok(), qPrintable(errorText(*missing)));
        QVERIFY2(!missing->value().has_value(), "not found must not be an error or a value");

        const MasterKey key = MasterKey::generate();
        const auto written = writeKey(store, key.bytes());
        QVERIFY2(written, "no answer");
        QVERIFY2(written->ok(), qPrintable(errorText(*written)));

        const auto read = readKey(store);
        QVERIFY2(read, "no answer");
        QVERIFY2(read->ok(), qPrintable(errorText(*read)));
        QVERIFY(read->value().has_value());
        QVERIFY(read->value()->equals(key.bytes()));

        // A second store object (another start of the program) sees the same entry.
        KeychainSecretStore again(store.service(), kAnswerBoundMs);
        const auto reread = readKey(again);
        QVERIFY(reread && reread->ok() && reread->value());
        QCOMPARE(MasterKey::idOf(reread->value()->view()), key.keyId());

        const auto removed = removeKey(store);
        QVERIFY2(removed && removed->ok(), qPrintable(removed ? errorText(*removed) : QString()));
        const auto gone = readKey(store);
        QVERIFY(gone && gone->ok());
        QVERIFY(!gone->value().has_value());
    }

    void servicesAreSeparate()
    {
        KeychainSecretStore a(uniqueService(QStringLiteral("a")), kAnswerBoundMs);
        KeychainSecretStore b(uniqueService(QStringLiteral("b")), kAnswerBoundMs);
        const MasterKey key = MasterKey::generate();
        QVERIFY(writeKey(a, key.bytes()).value_or(Error()).ok());
        const auto fromB = readKey(b);
        QVERIFY(fromB && fromB->ok());
        QVERIFY(!fromB->value().has_value());
        QVERIFY(removeKey(a).value_or(Error()).ok());
    }

    void noPlainTextFallback()
    {
        KeychainSecretStore store(uniqueService(QStringLiteral("plain")), kAnswerBoundMs);
        QVERIFY(writeKey(store, MasterKey::generate().bytes()).value_or(Error()).ok());
        // QtKeychain's insecure fallback would be a QSettings file named after the service.
        QDirIterator it(QDir::homePath(), QDir::Files | QDir::Hidden, QDirIterator::Subdirectories);
        while (it.hasNext()) {
            const QString path = it.next();
            QVERIFY2(!path.contains(store.service()), qPrintable(path));
        }
        QVERIFY(removeKey(store).value_or(Error()).ok());
    }

    void bootstrapOverTheKeychain()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        const QString service = uniqueService(QStringLiteral("bootstrap"));
        const QString keyFile = database.path(QStringLiteral("master.key"));
        const MasterKeyBootstrap::StoreFactory stores =
            [service, keyFile](SecretStoreKind kind) -> std::unique_ptr<SecretStore> {
            Settings settings;
            settings.keyFile = keyFile;
            settings.keychainTimeoutMs = kAnswerBoundMs;
            return SecretStoreFactory::create(kind, settings, service);
        };
        const SecretStoreChoice console{SecretStoreKind::Keychain, true};

        const auto first = bootstrap(database.db(), console, stores);
        QVERIFY2(first, "no answer");
        QVERIFY2(first->ok(), qPrintable(errorText(*first)));
        const Result<std::optional<MasterKeyRecord>> record = MasterKeyRecord::load(database.db());
        QVERIFY(record.ok() && record.value());
        QCOMPARE(record.value()->store(), SecretStoreKind::Keychain);
        QCOMPARE(record.value()->keyId(), first->value().keyId());

        const auto second = bootstrap(database.db(), console, stores);
        QVERIFY2(second && second->ok(), qPrintable(second ? errorText(*second) : QString()));
        QCOMPARE(second->value().keyId(), first->value().keyId());

        KeychainSecretStore store(service, kAnswerBoundMs);
        QVERIFY(removeKey(store).value_or(Error()).ok());
        const auto refused = bootstrap(database.db(), console, stores);
        QVERIFY2(refused, "no answer");
        QVERIFY(!refused->ok());
        QCOMPARE(refused->error().message,
                 MasterKeyBootstrap::missingKeyMessage(first->value().keyId(), store.location()));
        // Nothing minted: the keychain stays empty.
        const auto empty = readKey(store);
        QVERIFY(empty && empty->ok());
        QVERIFY(!empty->value().has_value());
    }

    // Last: the keyring stays locked (unlocking needs a prompt, and there is no display).
    // Locked, the Secret Service reads a missing entry and refuses writes: the bootstrap must
    // mint nothing, with or without a record.
    void lockedKeychainMintsNothing()
    {
        TestDatabase recorded;
        TestDatabase fresh;
        QVERIFY2(recorded.ok() && fresh.ok(), qPrintable(recorded.problem() + fresh.problem()));
        const QString service = uniqueService(QStringLiteral("locked"));
        const MasterKeyBootstrap::StoreFactory stores = [service](SecretStoreKind) {
            return std::unique_ptr<SecretStore>(
                std::make_unique<KeychainSecretStore>(service, kAnswerBoundMs));
        };
        const SecretStoreChoice console{SecretStoreKind::Keychain, true};
        const auto first = bootstrap(recorded.db(), console, stores);
        QVERIFY2(first && first->ok(), qPrintable(first ? errorText(*first) : QString()));

        QDBusMessage lock = QDBusMessage::createMethodCall(
            QStringLiteral("org.freedesktop.secrets"), QStringLiteral("/org/freedesktop/secrets"),
            QStringLiteral("org.freedesktop.Secret.Service"), QStringLiteral("Lock"));
        lock << QVariant::fromValue(QList<QDBusObjectPath>{
            QDBusObjectPath(QStringLiteral("/org/freedesktop/secrets/collection/login"))});
        const QDBusMessage locked = QDBusConnection::sessionBus().call(lock, QDBus::Block, 10000);
        QVERIFY2(locked.type() == QDBusMessage::ReplyMessage, qPrintable(locked.errorMessage()));

        const auto again = bootstrap(recorded.db(), console, stores);
        QVERIFY2(again, "no answer");
        QVERIFY(!again->ok());
        QVERIFY2(again->error().message.contains(first->value().keyId()),
                 qPrintable(errorText(*again)));

        const auto none = bootstrap(fresh.db(), console, stores);
        QVERIFY2(none, "no answer");
        QVERIFY(!none->ok());
        QVERIFY2(none->error().message.contains(QStringLiteral("cannot store a new master key")),
                 qPrintable(errorText(*none)));
        QVERIFY(MasterKeyRecord::load(fresh.db()).ok());
        QVERIFY(!MasterKeyRecord::load(fresh.db()).value().has_value());
    }

    void cleanupTestCase()
    {
        for (const QString &purpose :
             {QStringLiteral("probe"), QStringLiteral("basic"), QStringLiteral("a"),
              QStringLiteral("plain"), QStringLiteral("bootstrap")}) {
            // Best effort: the keyring is locked by now, and its HOME is thrown away anyway.
            KeychainSecretStore store(uniqueService(purpose), 2000);
            removeKey(store, 3000);
        }
    }
};

QTEST_GUILESS_MAIN(tst_KeychainStore)
#include "tst_keychain_store.moc"
