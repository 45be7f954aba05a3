#include "secrets/MasterKeyProbe.h"

#include "secrets/MasterKey.h"
#include "secrets/SecretStoreFactory.h"

#include <memory>

namespace cr {

MasterKeyProbe::Probe MasterKeyProbe::make(const Settings &settings, SecretStoreKind kind,
                                           const QString &keyId)
{
    auto store = std::make_shared<std::unique_ptr<SecretStore>>();
    return [settings, kind, keyId, store](QObject *context, std::function<void(Status)> done) {
        if (!*store)
            *store = SecretStoreFactory::create(kind, settings);
        (*store)->readMasterKey(context, [keyId, done](Result<SecretStore::MaybeKey> key) {
            if (!key)
                return done(Error::make(ErrorCode::DependencyUnavailable,
                                        QStringLiteral("the secret store did not answer")));
            if (!key.value())
                return done(
                    Error::make(ErrorCode::NotFound,
                                QStringLiteral("the secret store no longer holds the master key")));
            if (MasterKey::idOf(key.value()->view()) != keyId)
                return done(
                    Error::make(ErrorCode::Conflict,
                                QStringLiteral("the secret store holds a different master key")));
            done({});
        });
    };
}

} // namespace cr
