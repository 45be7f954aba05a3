#pragma once

#include "core/Result.h"
#include "secrets/SecretStore.h"

#include <functional>

class QObject;

namespace cr {

struct Settings;

// The question the secret-store health check asks now and then: does the store the master key
// came from still hold that key? The answer names no key material: OK, or DEPENDENCY_UNAVAILABLE
// (no answer), NOT_FOUND (no key any more) or CONFLICT (another key).
class MasterKeyProbe
{
public:
    using Probe = std::function<void(QObject *context, std::function<void(Status)> done)>;

    // A probe of the store of `kind`, created on its first use, against the key `keyId`.
    static Probe make(const Settings &settings, SecretStoreKind kind, const QString &keyId);
};

} // namespace cr
