#include "secrets/SecretStore.h"

#include "secrets/SecretStoreCall.h"

namespace cr {

QString secretStoreKindName(SecretStoreKind kind)
{
    switch (kind) {
    case SecretStoreKind::Keychain:
        return QStringLiteral("keychain");
    case SecretStoreKind::KeyFile:
        return QStringLiteral("keyfile");
    }
    return QString();
}

std::optional<SecretStoreKind> parseSecretStoreKind(QStringView name)
{
    if (name == u"keychain")
        return SecretStoreKind::Keychain;
    if (name == u"keyfile")
        return SecretStoreKind::KeyFile;
    return std::nullopt;
}

SecretStore::SecretStore(int timeoutMs)
    : m_timeoutMs(timeoutMs)
{}

SecretStore::~SecretStore() = default;

void SecretStore::readMasterKey(QObject *context, ReadCallback done)
{
    auto *call = new SecretStoreCall(context, m_timeoutMs, location(), std::move(done));
    startRead(call);
}

void SecretStore::writeMasterKey(QObject *context, QByteArrayView key, WriteCallback done)
{
    auto *call = new SecretStoreCall(context, m_timeoutMs, location(), std::move(done));
    if (key.size() != kKeyBytes) {
        call->answerWrite(Error::make(
            ErrorCode::Internal,
            QStringLiteral("refusing to store a master key of %1 bytes").arg(key.size())));
        return;
    }
    startWrite(key, call);
}

void SecretStore::removeMasterKey(QObject *context, WriteCallback done)
{
    auto *call = new SecretStoreCall(context, m_timeoutMs, location(), std::move(done));
    startRemove(call);
}

} // namespace cr
