#pragma once

#include "identity/ApiKey.h"
#include "identity/IdentityEnv.h"
#include "identity/Page.h"

#include <optional>

namespace cr {

// Named API keys (CONTRACT §3): a role no higher than the owner's, an optional expiry, the key
// shown once at creation, only its hash stored. API keys cannot manage API keys. Every change
// is committed, then applied to the in-memory ApiKeyIndex before the answer goes out.
// Methods may be called from any thread; `done` runs in the identity thread, or at once in the
// calling thread for a refusal that needs no database.
class ApiKeyService
{
public:
    struct Request
    {
        QString name;
        std::optional<Role> role; // default: the owner's current role
        qint64 expiresAtMs = 0;   // 0: never
    };
    struct Created
    {
        ApiKey key;
        QByteArray secret; // "cr_…", shown once
    };

    explicit ApiKeyService(const IdentityEnv &env);

    void list(const Caller &caller, const PageRequest &page, Done<Page<ApiKey>> done);
    void get(const Caller &caller, const QString &id, Done<ApiKey> done);
    void create(const Caller &caller, const Request &request, Done<Created> done);
    void revoke(const Caller &caller, const QString &id, Done<bool> done);

    // Writes the last-use times recorded in memory (ApiKeyIndex) to the database.
    void flushUsage();

private:
    const IdentityEnv &m_env;
};

} // namespace cr
