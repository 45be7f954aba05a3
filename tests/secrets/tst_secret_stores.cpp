// Secret stores without a keychain: the key file (created 0600 whatever the umask, refused when
// group/world may read it, not owned by the user, a symbolic link or the wrong size; never
// overwritten; a missing file is "not found", other failures are errors) and what every store
// shares (answers from the event loop, the timeout, late answers and a destroyed context).

#include "SecretsTestSupport.h"

#include "core/Settings.h"
#include "secrets/KeyFileSecretStore.h"
#include "secrets/MasterKeyProbe.h"
#include "secrets/SecretStoreCall.h"

#include <QDir>
#include <QElapsedTimer>
#include <QFile>
#include <QFileInfo>
#include <QTemporaryDir>
#include <QTest>

#include <sys/stat.h>
#include <unistd.h>

using namespace cr;
using namespace cr::test;

namespace {

mode_t modeOf(const QString &path)
{
    struct stat st;
    if (::lstat(QFile::encodeName(path).constData(), &st) != 0)
        return 0;
    return st.st_mode & 07777;
}

bool writeRaw(const QString &path, const QByteArray &bytes, mode_t mode)
{
    QFile f(path);
    if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
        return false;
    const bool written = f.write(bytes) == bytes.size();
    f.close();
    return written && ::chmod(QFile::encodeName(path).constData(), mode) == 0;
}

// Sets the process umask for one scope.
class Umask
{
public:
    explicit Umask(mode_t mask)
        : m_previous(::umask(mask))
    {}
    ~Umask() { ::umask(m_previous); }

private:
    mode_t m_previous;
};

} // namespace

class tst_SecretStores : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    int m_n = 0;
    QString freshPath() { return m_dir.filePath(QStringLiteral("k%1/master.key").arg(++m_n)); }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void keyFileCreated0600_data()
    {
        QTest::addColumn<int>("umask");
        QTest::newRow("umask 000") << 0;
        QTest::newRow("umask 022") << 022;
        QTest::newRow("umask 077") << 077;
        QTest::newRow("umask 277") << 0277; // would drop the owner's write bit on open()
    }
    void keyFileCreated0600()
    {
        QFETCH(int, umask);
        const QString path = freshPath();
        KeyFileSecretStore store(path);
        const MasterKey key = MasterKey::generate();
        std::optional<Status> written;
        {
            Umask scoped(mode_t(umask & 0777));
            written = writeKey(store, key.bytes());
        }
        QVERIFY(written);
        QVERIFY2(written->ok(), qPrintable(errorText(*written)));
        QCOMPARE(int(modeOf(path)), 0600);
        QCOMPARE(QFileInfo(path).size(), 32);
        QCOMPARE(int(modeOf(QFileInfo(path).absolutePath())), 0700); // directory created 0700
        const QStringList left = QDir(QFileInfo(path).absolutePath()).entryList(QDir::Files);
        QCOMPARE(left, QStringList{QStringLiteral("master.key")}); // no temporary file left

        const auto read = readKey(store);
        QVERIFY(read);
        QVERIFY2(read->ok(), qPrintable(errorText(*read)));
        QVERIFY(read->value().has_value());
        QVERIFY(read->value()->equals(key.bytes()));
        QVERIFY(store.location().contains(path));
    }

    void keyFileNeverOverwritten()
    {
        const QString path = freshPath();
        KeyFileSecretStore store(path);
        const MasterKey first = MasterKey::generate();
        QVERIFY(store.write(first.bytes()).ok());
        const auto second = writeKey(store, MasterKey::generate().bytes());
        QVERIFY(second);
        QVERIFY(!second->ok());
        QCOMPARE(second->error().code, ErrorCode::Conflict);
        QVERIFY2(second->error().message.contains(path), qPrintable(errorText(*second)));
        const Result<SecretStore::MaybeKey> read = store.read();
        QVERIFY(read.ok() && read.value());
        QVERIFY(read.value()->equals(first.bytes()));
    }

    void keyFileMissingIsNotFound()
    {
        KeyFileSecretStore store(freshPath());
        const auto read = readKey(store);
        QVERIFY(read);
        QVERIFY2(read->ok(), qPrintable(errorText(*read)));
        QVERIFY(!read->value().has_value());
    }

    void keyFileErrorIsNotNotFound_data()
    {
        QTest::addColumn<QString>("kind");
        QTest::newRow("a directory") << QStringLiteral("directory");
        QTest::newRow("under a file") << QStringLiteral("notdir");
        QTest::newRow("symbolic link") << QStringLiteral("symlink");
    }
    void keyFileErrorIsNotNotFound()
    {
        QFETCH(QString, kind);
        const QString path = freshPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QString storePath = path;
        if (kind == u"directory") {
            QVERIFY(QDir().mkpath(path));
        } else if (kind == u"notdir") {
            QVERIFY(writeRaw(path, QByteArray(32, 'k'), 0600));
            storePath = path + QStringLiteral("/master.key");
        } else {
            const QString real = path + QStringLiteral(".real");
            QVERIFY(writeRaw(real, QByteArray(32, 'k'), 0600));
            QVERIFY(QFile::link(real, path));
        }
        KeyFileSecretStore store(storePath);
        const auto read = readKey(store);
        QVERIFY(read);
        QVERIFY2(!read->ok(), "an unusable path must be an error, not 'not found'");
        QVERIFY2(read->error().message.contains(storePath), qPrintable(errorText(*read)));
    }

    void keyFileRefusedWhenOthersMayRead_data()
    {
        QTest::addColumn<int>("mode");
        QTest::addColumn<QString>("shown");
        QTest::newRow("0644") << 0644 << QStringLiteral("0644");
        QTest::newRow("0640") << 0640 << QStringLiteral("0640");
        QTest::newRow("0604") << 0604 << QStringLiteral("0604");
        QTest::newRow("0660") << 0660 << QStringLiteral("0660");
        QTest::newRow("0602") << 0602 << QStringLiteral("0602");
    }
    void keyFileRefusedWhenOthersMayRead()
    {
        QFETCH(int, mode);
        QFETCH(QString, shown);
        const QString path = freshPath();
        KeyFileSecretStore store(path);
        QVERIFY(store.write(MasterKey::generate().bytes()).ok());
        QVERIFY(::chmod(QFile::encodeName(path).constData(), mode_t(mode)) == 0);
        const auto read = readKey(store);
        QVERIFY(read);
        QVERIFY(!read->ok());
        const QString message = read->error().message;
        QVERIFY2(message.contains(path), qPrintable(message));
        QVERIFY2(message.contains(shown), qPrintable(message));
        QVERIFY2(message.contains(QStringLiteral("chmod 600")), qPrintable(message));
    }

    void keyFileOwnerReadOnlyAccepted()
    {
        const QString path = freshPath();
        KeyFileSecretStore store(path);
        const MasterKey key = MasterKey::generate();
        QVERIFY(store.write(key.bytes()).ok());
        QVERIFY(::chmod(QFile::encodeName(path).constData(), 0400) == 0);
        const Result<SecretStore::MaybeKey> read = store.read();
        QVERIFY2(read.ok(), qPrintable(errorText(read)));
        QVERIFY(read.value() && read.value()->equals(key.bytes()));
    }

    void keyFileWrongSizeRefused_data()
    {
        QTest::addColumn<int>("size");
        QTest::newRow("empty") << 0;
        QTest::newRow("31") << 31;
        QTest::newRow("33") << 33;
        QTest::newRow("base64 text") << 45;
    }
    void keyFileWrongSizeRefused()
    {
        QFETCH(int, size);
        const QString path = freshPath();
        QVERIFY(QDir().mkpath(QFileInfo(path).absolutePath()));
        QVERIFY(writeRaw(path, QByteArray(size, 'k'), 0600));
        KeyFileSecretStore store(path);
        const auto read = readKey(store);
        QVERIFY(read);
        QVERIFY(!read->ok());
        QVERIFY2(read->error().message.contains(path), qPrintable(errorText(*read)));
        QVERIFY2(read->error().message.contains(QStringLiteral("%1 bytes").arg(size)),
                 qPrintable(errorText(*read)));
    }

    void keyFileNotOwnedRefused()
    {
        if (::geteuid() != 0)
            QSKIP("needs root to give the file to another user");
        const QString path = freshPath();
        KeyFileSecretStore store(path);
        QVERIFY(store.write(MasterKey::generate().bytes()).ok());
        QVERIFY(::chown(QFile::encodeName(path).constData(), 65534, 65534) == 0);
        const Result<SecretStore::MaybeKey> read = store.read();
        QVERIFY(!read.ok());
        QVERIFY2(read.error().message.contains(QStringLiteral("owned by uid 65534")),
                 qPrintable(errorText(read)));
        QVERIFY(read.error().message.contains(path));
    }

    void keyFileRemove()
    {
        const QString path = freshPath();
        KeyFileSecretStore store(path);
        QVERIFY(store.write(MasterKey::generate().bytes()).ok());
        const auto removed = removeKey(store);
        QVERIFY(removed && removed->ok());
        QVERIFY(!QFileInfo::exists(path));
        const auto again = removeKey(store); // nothing there: still fine
        QVERIFY(again && again->ok());
    }

    // --- what every store shares (SecretStore, SecretStoreCall) ---

    void answersComeFromTheEventLoop()
    {
        KeyFileSecretStore store(freshPath());
        QObject context;
        bool called = false;
        store.readMasterKey(&context, [&](Result<SecretStore::MaybeKey>) { called = true; });
        QVERIFY(!called); // never inside the call
        QTRY_VERIFY_WITH_TIMEOUT(called, kAnswerBoundMs);
    }

    void silentStoreTimesOut_data()
    {
        QTest::addColumn<bool>("write");
        QTest::newRow("read") << false;
        QTest::newRow("write") << true;
    }
    void silentStoreTimesOut()
    {
        QFETCH(bool, write);
        auto state = std::make_shared<FakeSecretStore::State>();
        state->mode = FakeSecretStore::Mode::Silent;
        FakeSecretStore store(state, SecretStoreKind::Keychain, 50);
        QElapsedTimer elapsed;
        elapsed.start();
        Error error;
        if (write) {
            const auto r = writeKey(store, MasterKey::generate().bytes());
            QVERIFY2(r, "the timeout must answer");
            QVERIFY(!r->ok());
            error = r->error();
        } else {
            const auto r = readKey(store);
            QVERIFY2(r, "the timeout must answer");
            QVERIFY(!r->ok());
            error = r->error();
        }
        QVERIFY(elapsed.elapsed() >= 40);
        QVERIFY(elapsed.elapsed() < kAnswerBoundMs);
        QCOMPARE(error.code, ErrorCode::DependencyUnavailable);
        QVERIFY2(error.message.contains(QStringLiteral("secret store did not answer")),
                 qPrintable(error.message));
        QVERIFY(error.message.contains(store.location()));
    }

    void lateAnswerDropped()
    {
        auto state = std::make_shared<FakeSecretStore::State>();
        state->mode = FakeSecretStore::Mode::Manual;
        FakeSecretStore store(state, SecretStoreKind::Keychain, 30);
        QObject context;
        int calls = 0;
        std::optional<Result<SecretStore::MaybeKey>> got;
        store.readMasterKey(&context, [&](Result<SecretStore::MaybeKey> r) {
            ++calls;
            got.emplace(std::move(r));
        });
        QCOMPARE(state->pending.size(), 1);
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, kAnswerBoundMs);
        QVERIFY(!got->ok());
        QCOMPARE(got->error().code, ErrorCode::DependencyUnavailable);
        // The store answers after all (if the call still exists): nobody hears it.
        if (SecretStoreCall *call = state->pending.first())
            call->answerRead(SecretStore::MaybeKey(SecretBytes(QByteArray(32, 'k'))));
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QCOMPARE(calls, 1);
    }

    void firstAnswerWins()
    {
        auto state = std::make_shared<FakeSecretStore::State>();
        state->mode = FakeSecretStore::Mode::Manual;
        FakeSecretStore store(state);
        QObject context;
        int calls = 0;
        store.writeMasterKey(&context, QByteArray(32, 'k'), [&](Status s) {
            ++calls;
            QVERIFY(s.ok());
        });
        QCOMPARE(state->pending.size(), 1);
        SecretStoreCall *call = state->pending.first();
        QVERIFY(call);
        call->answerWrite({});
        call->answerWrite(Error::make(ErrorCode::Internal, QStringLiteral("second")));
        QTRY_COMPARE_WITH_TIMEOUT(calls, 1, kAnswerBoundMs);
        QTRY_VERIFY_WITH_TIMEOUT(state->pending.first().isNull(), kAnswerBoundMs); // deleted
        QCOMPARE(calls, 1);
    }

    void destroyedContextDropsAnswer()
    {
        auto state = std::make_shared<FakeSecretStore::State>();
        state->mode = FakeSecretStore::Mode::Manual;
        FakeSecretStore store(state, SecretStoreKind::Keychain, 20);
        int calls = 0;
        {
            QObject context;
            store.readMasterKey(&context, [&](Result<SecretStore::MaybeKey>) { ++calls; });
            QCOMPARE(state->pending.size(), 1);
        }
        // The call went with its context, and its timer with it: nothing can arrive.
        QVERIFY(state->pending.first().isNull());
        QCoreApplication::sendPostedEvents();
        QCoreApplication::processEvents();
        QCOMPARE(calls, 0);
    }

    void wrongSizeFromAStoreRefused()
    {
        auto state = std::make_shared<FakeSecretStore::State>();
        state->key = QByteArray(31, 'k');
        FakeSecretStore store(state);
        const auto read = readKey(store);
        QVERIFY(read);
        QVERIFY(!read->ok());
        QVERIFY2(read->error().message.contains(QStringLiteral("31 bytes")),
                 qPrintable(errorText(*read)));
    }

    void writeRefusesWrongSize()
    {
        auto state = std::make_shared<FakeSecretStore::State>();
        FakeSecretStore store(state);
        const auto written = writeKey(store, QByteArray(16, 'k'));
        QVERIFY(written);
        QVERIFY(!written->ok());
        QCOMPARE(state->writes, 0); // refused before the store saw it
    }

    // The secret-store health check's question: does the key file still hold this key?
    void masterKeyProbeAnswers()
    {
        Settings settings;
        settings.keyFile = freshPath();
        const MasterKey key = MasterKey::generate();
        QVERIFY(KeyFileSecretStore(settings.keyFile).write(key.bytes()).ok());
        const auto ask = [&](const QString &keyId) {
            const MasterKeyProbe::Probe probe =
                MasterKeyProbe::make(settings, SecretStoreKind::KeyFile, keyId);
            QObject context;
            std::optional<Status> answer;
            probe(&context, [&](Status st) { answer = st; });
            [&] {
                QTRY_VERIFY_WITH_TIMEOUT(answer.has_value(), kAnswerBoundMs);
            }();
            return answer.value_or(Error::make(ErrorCode::Internal, QStringLiteral("none")));
        };
        QVERIFY(ask(key.keyId()).ok());
        const Status other = ask(MasterKey::generate().keyId());
        QVERIFY(!other.ok());
        QCOMPARE(other.error().code, ErrorCode::Conflict);
        QVERIFY(QFile::remove(settings.keyFile));
        const Status gone = ask(key.keyId());
        QVERIFY(!gone.ok());
        QCOMPARE(gone.error().code, ErrorCode::NotFound);
        // No key material in any answer.
        QVERIFY(!other.error().message.contains(key.keyId()));
    }
};

QTEST_GUILESS_MAIN(tst_SecretStores)
#include "tst_secret_stores.moc"
