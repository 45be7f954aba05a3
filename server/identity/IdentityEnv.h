#pragma once

#include "core/Result.h"
#include "identity/AuditEntry.h"
#include "identity/Caller.h"
#include "identity/IdentityOptions.h"

#include <functional>

class QObject;

namespace cr {

class ApiKeyIndex;
class Clock;
class JwtCodec;
class PasswordHasher;
class PasswordPolicy;
class ProfileCache;
class RevocationSet;
class StoragePool;
class UserStates;

// A service's answer, delivered in the identity thread.
template<class T>
using Done = std::function<void(Result<T>)>;

// What the identity services share; everything is owned by Identity and outlives the services.
// Services may be called from any thread; database work runs in the storage pool, and every
// continuation (database answers, password hashes) runs in the identity thread, whose
// `context` object receives them.
class IdentityEnv
{
public:
    StoragePool *pool = nullptr;
    QObject *context = nullptr;
    const Clock *clock = nullptr;
    IdentityOptions options;
    RevocationSet *revocations = nullptr;
    UserStates *users = nullptr;
    ProfileCache *profileCache = nullptr; // forget(id) after every commit that changes a user
    ApiKeyIndex *apiKeys = nullptr;
    PasswordHasher *hasher = nullptr;
    const PasswordPolicy *policy = nullptr;
    const JwtCodec *codec = nullptr;

    qint64 now() const;
    static QString newId(); // a lower-case UUID without braces

    // An audit entry stamped now with the caller's id and address.
    AuditEntry audit(const Caller &caller, const QString &action, const QString &target,
                     const char *result, const QJsonObject &details = {}) const;
    // Appends an entry in a job of its own (for events with no other database work, such as
    // a failed login); a failure to write it is logged.
    void recordAsync(const AuditEntry &entry) const;
};

} // namespace cr
