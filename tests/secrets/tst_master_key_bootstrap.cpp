// MasterKeyBootstrap over a migrated SQLite database: the first start mints, stores and records
// the key; the next start reads the same key; a recorded key that is missing is refused with
// the restore message and nothing is minted (the store stays empty); another key in the store
// is refused; the recorded store wins over "auto" and an explicit other store is refused; a key
// already in the store without a record is adopted; store failures and timeouts mint nothing.

#include "SecretsTestSupport.h"

#include "secrets/KeyFileSecretStore.h"
#include "secrets/MasterKeyBootstrap.h"
#include "secrets/MasterKeyRecord.h"
#include "store/Sql.h"

#include <QFileInfo>
#include <QTest>

#include <sys/stat.h>

using namespace cr;
using namespace cr::test;

namespace {

// A factory whose key file is real and whose "keychain" is a fake in memory.
struct Stores
{
    QString keyFile;
    std::shared_ptr<FakeSecretStore::State> keychain = std::make_shared<FakeSecretStore::State>();
    int keyFileTimeoutMs = SecretStore::kDefaultTimeoutMs;
    int keychainTimeoutMs = SecretStore::kDefaultTimeoutMs;

    MasterKeyBootstrap::StoreFactory factory() const
    {
        return [this](SecretStoreKind kind) -> std::unique_ptr<SecretStore> {
            if (kind == SecretStoreKind::KeyFile)
                return std::make_unique<KeyFileSecretStore>(keyFile, keyFileTimeoutMs);
            return std::make_unique<FakeSecretStore>(keychain, SecretStoreKind::Keychain,
                                                     keychainTimeoutMs);
        };
    }
};

const SecretStoreChoice kAutoKeyFile{SecretStoreKind::KeyFile, true};
const SecretStoreChoice kAutoKeychain{SecretStoreKind::Keychain, true};

std::optional<MasterKeyRecord> recordIn(Db &db)
{
    const Result<std::optional<MasterKeyRecord>> r = MasterKeyRecord::load(db);
    return r.ok() ? r.value() : std::nullopt;
}

} // namespace

class tst_MasterKeyBootstrap : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void firstRunMintsSecondRunReads()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("keys/master.key"))};
        QVERIFY(!recordIn(database.db()));

        const auto first = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY2(first, "no answer");
        QVERIFY2(first->ok(), qPrintable(errorText(*first)));
        const MasterKey minted = first->value();

        // Stored 0600 in the key file, recorded with its id.
        QVERIFY(QFileInfo::exists(stores.keyFile));
        struct stat st;
        QVERIFY(::stat(QFile::encodeName(stores.keyFile).constData(), &st) == 0);
        QCOMPARE(int(st.st_mode & 0777), 0600);
        const std::optional<MasterKeyRecord> record = recordIn(database.db());
        QVERIFY(record);
        QCOMPARE(record->store(), SecretStoreKind::KeyFile);
        QCOMPARE(record->keyId(), minted.keyId());
        QCOMPARE(stores.keychain->reads + stores.keychain->writes, 0);
        const QByteArray wrapped = minted.wrap("jwt signing key", "signing-key:1").value();

        // Second start: the same key, nothing new written.
        const QByteArray fileBefore = [&] {
            QFile f(stores.keyFile);
            return f.open(QIODevice::ReadOnly) ? f.readAll() : QByteArray();
        }();
        const auto second = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY2(second && second->ok(), qPrintable(second ? errorText(*second) : QString()));
        QCOMPARE(second->value().keyId(), minted.keyId());
        QCOMPARE(second->value().unwrap(wrapped, "signing-key:1").value(),
                 QByteArray("jwt signing key"));
        QFile f(stores.keyFile);
        QVERIFY(f.open(QIODevice::ReadOnly));
        QCOMPARE(f.readAll(), fileBefore);
    }

    void recordedKeyMissingRefusesToMint()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        const auto first = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY(first && first->ok());
        const QString id = first->value().keyId();

        QVERIFY(QFile::remove(stores.keyFile)); // the key is lost
        const auto again = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY2(again, "no answer");
        QVERIFY(!again->ok());
        const QString message = again->error().message;
        QCOMPARE(message, MasterKeyBootstrap::missingKeyMessage(
                              id, KeyFileSecretStore(stores.keyFile).location()));
        QVERIFY(message.contains(id));
        QVERIFY(message.contains(stores.keyFile));
        QVERIFY(message.contains(QStringLiteral("is missing; restore it (see docs/SECRETS.md)")));
        QVERIFY(message.contains(QStringLiteral("will not create a new one over existing data")));

        // Nothing minted: the store stays empty, the record unchanged.
        QVERIFY(!QFileInfo::exists(stores.keyFile));
        const std::optional<MasterKeyRecord> record = recordIn(database.db());
        QVERIFY(record);
        QCOMPARE(record->keyId(), id);
        QCOMPARE(record->store(), SecretStoreKind::KeyFile);
    }

    void recordedKeyMissingInKeychainRefusesToMint()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        const auto first = bootstrap(database.db(), kAutoKeychain, stores.factory());
        QVERIFY(first && first->ok());
        QVERIFY(stores.keychain->key);
        QCOMPARE(recordIn(database.db())->store(), SecretStoreKind::Keychain);

        stores.keychain->key.reset();
        const int writes = stores.keychain->writes;
        const auto again = bootstrap(database.db(), kAutoKeychain, stores.factory());
        QVERIFY(again && !again->ok());
        QVERIFY(again->error().message.contains(QStringLiteral("is missing; restore it")));
        QVERIFY(!stores.keychain->key);
        QCOMPARE(stores.keychain->writes, writes);
        QVERIFY(!QFileInfo::exists(stores.keyFile));
    }

    void otherKeyRefused()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        const auto first = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY(first && first->ok());
        const QString id = first->value().keyId();

        KeyFileSecretStore file(stores.keyFile);
        QVERIFY(file.remove().ok());
        const MasterKey other = MasterKey::generate();
        QVERIFY(file.write(other.bytes()).ok());

        const auto again = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY(again);
        QVERIFY(!again->ok());
        QCOMPARE(again->error().code, ErrorCode::Conflict);
        QVERIFY2(again->error().message.contains(id), qPrintable(errorText(*again)));
        QVERIFY(again->error().message.contains(other.keyId()));
        QCOMPARE(recordIn(database.db())->keyId(), id); // the record is left alone
        const Result<SecretStore::MaybeKey> still = file.read();
        QVERIFY(still.ok() && still.value() && still.value()->equals(other.bytes()));
    }

    void recordedStoreWinsOverAuto()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        const auto first = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY(first && first->ok());
        // The console's auto means keychain, but this database keeps its key in the file.
        const auto again = bootstrap(database.db(), kAutoKeychain, stores.factory());
        QVERIFY2(again && again->ok(), qPrintable(again ? errorText(*again) : QString()));
        QCOMPARE(again->value().keyId(), first->value().keyId());
        QCOMPARE(stores.keychain->reads + stores.keychain->writes, 0);
    }

    void explicitOtherStoreRefused()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        QVERIFY(bootstrap(database.db(), kAutoKeyFile, stores.factory())->ok());
        const auto again =
            bootstrap(database.db(), {SecretStoreKind::Keychain, false}, stores.factory());
        QVERIFY(again && !again->ok());
        QCOMPARE(again->error().code, ErrorCode::ValidationError);
        QVERIFY2(again->error().message.contains(QStringLiteral("keyfile")),
                 qPrintable(errorText(*again)));
        QCOMPARE(stores.keychain->reads + stores.keychain->writes, 0);
    }

    void existingKeyWithoutRecordAdopted()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("shared/master.key"))};
        const MasterKey shared = MasterKey::generate(); // e.g. the cluster's key file
        QVERIFY(KeyFileSecretStore(stores.keyFile).write(shared.bytes()).ok());

        const auto r = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY2(r && r->ok(), qPrintable(r ? errorText(*r) : QString()));
        QCOMPARE(r->value().keyId(), shared.keyId());
        QCOMPARE(recordIn(database.db())->keyId(), shared.keyId());
    }

    void storeFailureMintsNothing_data()
    {
        QTest::addColumn<int>("mode");
        QTest::newRow("read fails") << int(FakeSecretStore::Mode::Fail);
        QTest::newRow("read times out") << int(FakeSecretStore::Mode::Silent);
    }
    void storeFailureMintsNothing()
    {
        QFETCH(int, mode);
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        stores.keychain->mode = FakeSecretStore::Mode(mode);
        stores.keychainTimeoutMs = 50;
        const auto r = bootstrap(database.db(), kAutoKeychain, stores.factory());
        QVERIFY2(r, "the bootstrap must answer (the timeout bounds it)");
        QVERIFY(!r->ok());
        QCOMPARE(r->error().code, ErrorCode::DependencyUnavailable);
        if (FakeSecretStore::Mode(mode) == FakeSecretStore::Mode::Silent)
            QVERIFY2(r->error().message.contains(QStringLiteral("secret store did not answer")),
                     qPrintable(errorText(*r)));
        QCOMPARE(stores.keychain->writes, 0);
        QVERIFY(!recordIn(database.db()));
    }

    void recordedStoreTimesOut()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        QVERIFY(bootstrap(database.db(), kAutoKeychain, stores.factory())->ok());
        stores.keychain->mode = FakeSecretStore::Mode::Silent;
        stores.keychainTimeoutMs = 50;
        const auto r = bootstrap(database.db(), kAutoKeychain, stores.factory());
        QVERIFY(r && !r->ok());
        QCOMPARE(r->error().code, ErrorCode::DependencyUnavailable);
        QVERIFY2(r->error().message.contains(QStringLiteral("did not answer")),
                 qPrintable(errorText(*r)));
        QVERIFY(r->error().message.contains(recordIn(database.db())->keyId()));
    }

    void writeFailureRecordsNothing()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        Stores stores{database.path(QStringLiteral("master.key"))};
        stores.keychain->mode = FakeSecretStore::Mode::Manual;
        QObject context;
        std::optional<Result<MasterKey>> out;
        MasterKeyBootstrap::run(&context, database.db(), kAutoKeychain, stores.factory(),
                                [&](Result<MasterKey> r) { out.emplace(std::move(r)); });
        QTRY_COMPARE_WITH_TIMEOUT(stores.keychain->pending.size(), 1, kAnswerBoundMs);
        stores.keychain->pending.takeFirst()->answerRead(SecretStore::MaybeKey());     // not found
        QTRY_COMPARE_WITH_TIMEOUT(stores.keychain->pending.size(), 1, kAnswerBoundMs); // write
        stores.keychain->pending.takeFirst()->answerWrite(
            Error::make(ErrorCode::DependencyUnavailable, QStringLiteral("keychain locked")));
        QTRY_VERIFY_WITH_TIMEOUT(out.has_value(), kAnswerBoundMs);
        QVERIFY(!out->ok());
        QVERIFY(out->error().message.contains(QStringLiteral("keychain locked")));
        QVERIFY(!recordIn(database.db()));
    }

    void partialRecordRefused()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        QVERIFY(database.db()
                    .exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"),
                          {MasterKeyRecord::idSettingKey(), QStringLiteral("0123456789abcdef")})
                    .ok());
        Stores stores{database.path(QStringLiteral("master.key"))};
        const auto r = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY(r && !r->ok());
        QVERIFY2(r->error().message.contains(QStringLiteral("partially")),
                 qPrintable(errorText(*r)));
        QVERIFY(!QFileInfo::exists(stores.keyFile));
    }

    void unknownRecordedStoreRefused()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        for (const auto &[key, value] :
             {std::pair{MasterKeyRecord::storeSettingKey(), QStringLiteral("vault")},
              std::pair{MasterKeyRecord::idSettingKey(), QStringLiteral("0123456789abcdef")}})
            QVERIFY(
                database.db()
                    .exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"), {key, value})
                    .ok());
        Stores stores{database.path(QStringLiteral("master.key"))};
        const auto r = bootstrap(database.db(), kAutoKeyFile, stores.factory());
        QVERIFY(r && !r->ok());
        QVERIFY2(r->error().message.contains(QStringLiteral("vault")), qPrintable(errorText(*r)));
        QVERIFY(!QFileInfo::exists(stores.keyFile));
    }

    void recordFirstWriterWins()
    {
        TestDatabase database;
        QVERIFY2(database.ok(), qPrintable(database.problem()));
        QVERIFY(MasterKeyRecord::save(
                    database.db(),
                    MasterKeyRecord(SecretStoreKind::KeyFile, QStringLiteral("aaaaaaaaaaaaaaaa")))
                    .ok());
        // The same record again is fine; another one is a conflict and changes nothing.
        QVERIFY(MasterKeyRecord::save(
                    database.db(),
                    MasterKeyRecord(SecretStoreKind::KeyFile, QStringLiteral("aaaaaaaaaaaaaaaa")))
                    .ok());
        const Status other = MasterKeyRecord::save(
            database.db(),
            MasterKeyRecord(SecretStoreKind::Keychain, QStringLiteral("bbbbbbbbbbbbbbbb")));
        QVERIFY(!other.ok());
        QCOMPARE(other.error().code, ErrorCode::Conflict);
        QCOMPARE(recordIn(database.db())->keyId(), QStringLiteral("aaaaaaaaaaaaaaaa"));
        QCOMPARE(recordIn(database.db())->store(), SecretStoreKind::KeyFile);
    }

    void settingsChoice()
    {
        Settings settings;
        QCOMPARE(settings.secretStore, QStringLiteral("auto"));
        QCOMPARE(settings.keychainTimeoutMs, 5000);
        Result<SecretStoreChoice> c =
            SecretStoreFactory::choice(settings, SecretStoreKind::KeyFile);
        QVERIFY(c.ok() && c.value().automatic && c.value().kind == SecretStoreKind::KeyFile);
        c = SecretStoreFactory::choice(settings, SecretStoreKind::Keychain);
        QVERIFY(c.ok() && c.value().automatic && c.value().kind == SecretStoreKind::Keychain);
        settings.secretStore = QStringLiteral("keyfile");
        c = SecretStoreFactory::choice(settings, SecretStoreKind::Keychain);
        QVERIFY(c.ok() && !c.value().automatic && c.value().kind == SecretStoreKind::KeyFile);
        settings.secretStore = QStringLiteral("vault");
        QVERIFY(!SecretStoreFactory::choice(settings, SecretStoreKind::Keychain).ok());

        settings.dataDir = QStringLiteral("/srv/cr");
        QCOMPARE(SecretStoreFactory::keyFilePath(settings), QStringLiteral("/srv/cr/master.key"));
        settings.keyFile = QStringLiteral("/etc/cr/key");
        QCOMPARE(SecretStoreFactory::keyFilePath(settings), QStringLiteral("/etc/cr/key"));
        settings.keychainTimeoutMs = 1234;
        const std::unique_ptr<SecretStore> file =
            SecretStoreFactory::create(SecretStoreKind::KeyFile, settings);
        QCOMPARE(file->kind(), SecretStoreKind::KeyFile);
        QCOMPARE(file->timeoutMs(), 1234);
        QVERIFY(file->location().contains(QStringLiteral("/etc/cr/key")));
        const std::unique_ptr<SecretStore> keychain =
            SecretStoreFactory::create(SecretStoreKind::Keychain, settings);
        QCOMPARE(keychain->kind(), SecretStoreKind::Keychain);
        QVERIFY(keychain->location().contains(QStringLiteral("CodeRunner")));
    }
};

QTEST_GUILESS_MAIN(tst_MasterKeyBootstrap)
#include "tst_master_key_bootstrap.moc"
