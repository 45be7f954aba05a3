#pragma once

#include "core/Result.h"
#include "core/Settings.h"
#include "secrets/KeychainSecretStore.h"
#include "secrets/SecretStore.h"

#include <QString>

#include <memory>

namespace cr {

// The store the settings ask for. `automatic`: the `secretStore` setting is "auto", so a
// database that already records its store is followed; an explicit choice must match it.
struct SecretStoreChoice
{
    SecretStoreKind kind = SecretStoreKind::KeyFile;
    bool automatic = true;
};

// Secret stores from the settings: `secretStore` (auto | keychain | keyfile), `keyFile`
// (default <dataDir>/master.key) and `keychainTimeoutMs` (every store operation's bound).
class SecretStoreFactory
{
public:
    // What "auto" means is the executable's call: the console passes Keychain, the headless
    // coderunner-server KeyFile.
    static Result<SecretStoreChoice> choice(const Settings &settings, SecretStoreKind autoKind);
    static QString keyFilePath(const Settings &settings);
    static std::unique_ptr<SecretStore>
    create(SecretStoreKind kind, const Settings &settings,
           const QString &keychainService = KeychainSecretStore::defaultService());
};

} // namespace cr
