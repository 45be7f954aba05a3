#pragma once

#include "core/Clock.h"
#include "core/Result.h"
#include "secrets/MasterKey.h"
#include "secrets/MasterKeyBootstrap.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretStoreCall.h"
#include "store/Db.h"

#include <QByteArray>
#include <QPointer>
#include <QString>
#include <QTemporaryDir>

#include <memory>
#include <optional>

namespace cr::test {

// How long a test waits for an answer that must come: generous, and still bounded.
constexpr int kAnswerBoundMs = 15000;

// A secret store in memory whose state outlives the store objects a StoreFactory makes, and
// that can fail or stay silent on request.
class FakeSecretStore final : public SecretStore
{
public:
    enum class Mode
    {
        Answer, // read, write and remove work on `key`
        Fail,   // every operation fails (DEPENDENCY_UNAVAILABLE "fake store broken")
        Silent, // nothing is ever answered: the timeout must
        Manual, // calls are kept in `pending` for the test to answer
    };
    struct State
    {
        Mode mode = Mode::Answer;
        std::optional<QByteArray> key;
        int reads = 0;
        int writes = 0;
        int removes = 0;
        QList<QPointer<SecretStoreCall>> pending;
    };

    explicit FakeSecretStore(std::shared_ptr<State> state,
                             SecretStoreKind kind = SecretStoreKind::Keychain,
                             int timeoutMs = kDefaultTimeoutMs);

    SecretStoreKind kind() const override { return m_kind; }
    QString location() const override;
    State &state() { return *m_state; }

protected:
    void startRead(SecretStoreCall *call) override;
    void startWrite(QByteArrayView key, SecretStoreCall *call) override;
    void startRemove(SecretStoreCall *call) override;

private:
    std::shared_ptr<State> m_state;
    SecretStoreKind m_kind;
};

// Runs one store operation and waits (bounded) for its answer; an empty optional when none came
// within `boundMs`. The context lives only inside the call, so a late answer is dropped.
std::optional<Result<SecretStore::MaybeKey>> readKey(SecretStore &store,
                                                     int boundMs = kAnswerBoundMs);
std::optional<Status> writeKey(SecretStore &store, QByteArrayView key,
                               int boundMs = kAnswerBoundMs);
std::optional<Status> removeKey(SecretStore &store, int boundMs = kAnswerBoundMs);
std::optional<Result<MasterKey>> bootstrap(Db &db, SecretStoreChoice choice,
                                           MasterKeyBootstrap::StoreFactory stores,
                                           int boundMs = kAnswerBoundMs);

// A migrated SQLite database in a temporary directory.
class TestDatabase
{
public:
    TestDatabase();
    bool ok() const { return m_problem.isEmpty(); }
    const QString &problem() const { return m_problem; }
    Db &db() { return *m_db; }
    QString path(const QString &name) const { return m_dir.filePath(name); }

private:
    QTemporaryDir m_dir;
    ManualClock m_clock;
    std::unique_ptr<Db> m_db;
    QString m_problem;
};

QString errorText(const Status &status);
template<class T>
QString errorText(const Result<T> &result)
{
    return result.ok() ? QStringLiteral("(ok)") : result.error().message;
}

} // namespace cr::test
