#include "secrets/KeychainSecretStore.h"

#include "secrets/SecretStoreCall.h"
#include "secrets/SecretsLogging.h"

#include <qt6keychain/keychain.h>

namespace cr {
namespace {

Error keychainError(const SecretStoreCall *call, const QKeychain::Job *job)
{
    return Error::make(ErrorCode::DependencyUnavailable,
                       QStringLiteral("%1 refused: %2").arg(call->location(), job->errorString()));
}

// Every job: deletes itself once finished, one entry key. The insecure fallback (a plain-text
// QSettings file when no keychain answers) is off by default and is never turned on here.
void prepare(QKeychain::Job *job)
{
    job->setAutoDelete(true);
    job->setKey(KeychainSecretStore::entryKey());
}

} // namespace

KeychainSecretStore::KeychainSecretStore(QString service, int timeoutMs)
    : SecretStore(timeoutMs)
    , m_service(std::move(service))
{}

QString KeychainSecretStore::defaultService()
{
    return QStringLiteral("CodeRunner");
}

QString KeychainSecretStore::entryKey()
{
    return QStringLiteral("master-key");
}

QString KeychainSecretStore::location() const
{
    return QStringLiteral("the keychain (service \"%1\", entry \"%2\")").arg(m_service, entryKey());
}

void KeychainSecretStore::startRead(SecretStoreCall *call)
{
    auto *job = new QKeychain::ReadPasswordJob(m_service);
    prepare(job);
    // `call` is the receiver: once it timed out (or its context went) the answer is dropped.
    QObject::connect(job, &QKeychain::Job::finished, call, [call](QKeychain::Job *finished) {
        auto *read = static_cast<QKeychain::ReadPasswordJob *>(finished);
        switch (finished->error()) {
        case QKeychain::NoError: {
            // QtKeychain holds the key in ordinary memory until the job deletes itself.
            SecretBytes key{QByteArrayView(read->binaryData())};
            call->answerRead(SecretStore::MaybeKey(std::move(key)));
            break;
        }
        case QKeychain::EntryNotFound:
            call->answerRead(SecretStore::MaybeKey());
            break;
        default:
            qCWarning(lcSecrets).noquote()
                << call->location() << "read failed:" << finished->errorString();
            call->answerRead(keychainError(call, finished));
        }
    });
    job->start();
}

void KeychainSecretStore::startWrite(QByteArrayView key, SecretStoreCall *call)
{
    auto *job = new QKeychain::WritePasswordJob(m_service);
    prepare(job);
    job->setBinaryData(key.toByteArray());
    QObject::connect(job, &QKeychain::Job::finished, call, [call](QKeychain::Job *finished) {
        if (finished->error() == QKeychain::NoError) {
            qCInfo(lcSecrets).noquote() << "stored the master key in" << call->location();
            call->answerWrite({});
            return;
        }
        qCWarning(lcSecrets).noquote()
            << call->location() << "write failed:" << finished->errorString();
        call->answerWrite(keychainError(call, finished));
    });
    job->start();
}

void KeychainSecretStore::startRemove(SecretStoreCall *call)
{
    auto *job = new QKeychain::DeletePasswordJob(m_service);
    prepare(job);
    QObject::connect(job, &QKeychain::Job::finished, call, [call](QKeychain::Job *finished) {
        if (finished->error() == QKeychain::NoError ||
            finished->error() == QKeychain::EntryNotFound) {
            call->answerWrite({});
            return;
        }
        call->answerWrite(keychainError(call, finished));
    });
    job->start();
}

} // namespace cr
