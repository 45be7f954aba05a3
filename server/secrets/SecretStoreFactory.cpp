#include "secrets/SecretStoreFactory.h"

#include "secrets/KeyFileSecretStore.h"

namespace cr {

Result<SecretStoreChoice> SecretStoreFactory::choice(const Settings &settings,
                                                     SecretStoreKind autoKind)
{
    if (settings.secretStore.isEmpty() || settings.secretStore == u"auto")
        return SecretStoreChoice{autoKind, true};
    const std::optional<SecretStoreKind> kind = parseSecretStoreKind(settings.secretStore);
    if (!kind)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("setting 'secretStore': expected auto, keychain or "
                                          "keyfile, not \"%1\"")
                               .arg(settings.secretStore));
    return SecretStoreChoice{*kind, false};
}

QString SecretStoreFactory::keyFilePath(const Settings &settings)
{
    if (!settings.keyFile.isEmpty())
        return settings.keyFile;
    return settings.effectiveDataDir() + QStringLiteral("/master.key");
}

std::unique_ptr<SecretStore> SecretStoreFactory::create(SecretStoreKind kind,
                                                        const Settings &settings,
                                                        const QString &keychainService)
{
    switch (kind) {
    case SecretStoreKind::Keychain:
        return std::make_unique<KeychainSecretStore>(keychainService, settings.keychainTimeoutMs);
    case SecretStoreKind::KeyFile:
        break;
    }
    return std::make_unique<KeyFileSecretStore>(keyFilePath(settings), settings.keychainTimeoutMs);
}

} // namespace cr
