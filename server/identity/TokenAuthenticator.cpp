#include "identity/TokenAuthenticator.h"

#include "auth/JwtCodec.h"
#include "auth/VerifiedTokenCache.h"
#include "core/Clock.h"
#include "identity/ApiKeyIndex.h"
#include "identity/OpaqueToken.h"
#include "identity/RevocationSet.h"
#include "identity/UserStates.h"

namespace cr {
namespace {

Error refused(const char *why)
{
    return Error::make(ErrorCode::Unauthorized, QString::fromLatin1(why));
}

} // namespace

TokenAuthenticator::TokenAuthenticator(const Clock &clock, const JwtCodec &codec,
                                       VerifiedTokenCache &cache, const RevocationSet &revocations,
                                       const UserStates &users, const ApiKeyIndex &apiKeys)
    : m_clock(clock)
    , m_codec(codec)
    , m_cache(cache)
    , m_revocations(revocations)
    , m_users(users)
    , m_apiKeys(apiKeys)
{}

Result<Principal> TokenAuthenticator::authenticate(const QByteArray &credential) const
{
    if (credential.startsWith(OpaqueToken::kApiKeyPrefix))
        return authenticateApiKey(credential);
    return authenticateToken(credential);
}

Result<Principal> TokenAuthenticator::authenticateToken(const QByteArray &credential) const
{
    std::optional<VerifiedToken> token = m_cache.find(credential);
    if (!token) {
        Result<VerifiedToken> verified = m_codec.verify(credential);
        if (!verified)
            return verified.error();
        m_cache.insert(credential, verified.value());
        token = std::move(verified).value();
    }
    const std::optional<UserStates::State> user = m_users.find(token->sub);
    if (!user || user->disabled)
        return refused("invalid token: the account is not active");
    if (user->role != token->role)
        return refused("invalid token: the account's role has changed");
    if (m_revocations.isRevoked(token->sid, token->sub, token->iat))
        return refused("invalid token: the session has been revoked");
    return token->principal();
}

Result<Principal> TokenAuthenticator::authenticateApiKey(const QByteArray &credential) const
{
    if (!OpaqueToken::isApiKeyShape(credential))
        return refused("invalid API key");
    const std::shared_ptr<ApiKeyIndex::Entry> key = m_apiKeys.find(OpaqueToken::hash(credential));
    if (!key)
        return refused("invalid API key");
    const qint64 now = m_clock.wallMs();
    if (key->expiresAtMs > 0 && now >= key->expiresAtMs)
        return refused("API key expired");
    const std::optional<UserStates::State> owner = m_users.find(key->userId);
    if (!owner || owner->disabled)
        return refused("invalid API key: the account is not active");
    key->lastUsedMs.store(now);
    key->usageDirty.store(true);
    Principal p;
    p.role = qMin(key->role, owner->role);
    p.userId = key->userId;
    p.viaApiKey = true;
    p.apiKeyId = key->id;
    p.expiresAtMs = key->expiresAtMs;
    return p;
}

} // namespace cr
