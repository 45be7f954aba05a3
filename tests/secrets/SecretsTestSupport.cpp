#include "SecretsTestSupport.h"

#include "secrets/SecretStoreCall.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Migrator.h"

#include <QEventLoop>
#include <QObject>
#include <QTimer>

namespace cr::test {
namespace {

Error broken()
{
    return Error::make(ErrorCode::DependencyUnavailable, QStringLiteral("fake store broken"));
}

// Waits in a local event loop until `finished` is true or `boundMs` passed.
void waitUntil(const bool &finished, QEventLoop &loop, int boundMs)
{
    if (finished)
        return;
    QTimer bound;
    bound.setSingleShot(true);
    QObject::connect(&bound, &QTimer::timeout, &loop, &QEventLoop::quit);
    bound.start(boundMs);
    loop.exec();
}

} // namespace

FakeSecretStore::FakeSecretStore(std::shared_ptr<State> state, SecretStoreKind kind, int timeoutMs)
    : SecretStore(timeoutMs)
    , m_state(std::move(state))
    , m_kind(kind)
{}

QString FakeSecretStore::location() const
{
    return QStringLiteral("the fake %1 store").arg(secretStoreKindName(m_kind));
}

void FakeSecretStore::startRead(SecretStoreCall *call)
{
    ++m_state->reads;
    switch (m_state->mode) {
    case Mode::Answer:
        if (m_state->key)
            call->answerRead(MaybeKey(SecretBytes(QByteArrayView(*m_state->key))));
        else
            call->answerRead(MaybeKey());
        break;
    case Mode::Fail:
        call->answerRead(broken());
        break;
    case Mode::Silent:
        break;
    case Mode::Manual:
        m_state->pending << call;
        break;
    }
}

void FakeSecretStore::startWrite(QByteArrayView key, SecretStoreCall *call)
{
    ++m_state->writes;
    switch (m_state->mode) {
    case Mode::Answer:
        m_state->key = key.toByteArray();
        call->answerWrite({});
        break;
    case Mode::Fail:
        call->answerWrite(broken());
        break;
    case Mode::Silent:
        break;
    case Mode::Manual:
        m_state->pending << call;
        break;
    }
}

void FakeSecretStore::startRemove(SecretStoreCall *call)
{
    ++m_state->removes;
    if (m_state->mode == Mode::Answer) {
        m_state->key.reset();
        call->answerWrite({});
    } else if (m_state->mode == Mode::Fail) {
        call->answerWrite(broken());
    } else if (m_state->mode == Mode::Manual) {
        m_state->pending << call;
    }
}

std::optional<Result<SecretStore::MaybeKey>> readKey(SecretStore &store, int boundMs)
{
    QObject context;
    QEventLoop loop;
    bool finished = false;
    std::optional<Result<SecretStore::MaybeKey>> out;
    store.readMasterKey(&context, [&](Result<SecretStore::MaybeKey> result) {
        out.emplace(std::move(result));
        finished = true;
        loop.quit();
    });
    waitUntil(finished, loop, boundMs);
    return out;
}

std::optional<Status> writeKey(SecretStore &store, QByteArrayView key, int boundMs)
{
    QObject context;
    QEventLoop loop;
    bool finished = false;
    std::optional<Status> out;
    store.writeMasterKey(&context, key, [&](Status status) {
        out = status;
        finished = true;
        loop.quit();
    });
    waitUntil(finished, loop, boundMs);
    return out;
}

std::optional<Status> removeKey(SecretStore &store, int boundMs)
{
    QObject context;
    QEventLoop loop;
    bool finished = false;
    std::optional<Status> out;
    store.removeMasterKey(&context, [&](Status status) {
        out = status;
        finished = true;
        loop.quit();
    });
    waitUntil(finished, loop, boundMs);
    return out;
}

std::optional<Result<MasterKey>> bootstrap(Db &db, SecretStoreChoice choice,
                                           MasterKeyBootstrap::StoreFactory stores, int boundMs)
{
    QObject context;
    QEventLoop loop;
    bool finished = false;
    std::optional<Result<MasterKey>> out;
    MasterKeyBootstrap::run(&context, db, choice, std::move(stores), [&](Result<MasterKey> result) {
        out.emplace(std::move(result));
        finished = true;
        loop.quit();
    });
    waitUntil(finished, loop, boundMs);
    return out;
}

TestDatabase::TestDatabase()
{
    if (!m_dir.isValid()) {
        m_problem = QStringLiteral("cannot create a temporary directory");
        return;
    }
    ConnectionFactory factory(DatabaseConfig::sqliteFile(m_dir.filePath(QStringLiteral("db"))));
    m_db = factory.create(QStringLiteral("secrets-test"));
    const Result<int> migrated = Migrator(m_clock).migrate(*m_db);
    if (!migrated)
        m_problem = migrated.error().message;
}

QString errorText(const Status &status)
{
    return status.ok() ? QStringLiteral("(ok)") : status.error().message;
}

} // namespace cr::test
