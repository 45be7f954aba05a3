#pragma once

#include "core/Authenticator.h"

#include <memory>

namespace cr {

class ApiKeyIndex;
class Clock;
class JwtCodec;
class RevocationSet;
class UserStates;
class VerifiedTokenCache;

// The Authenticator of the identity module (CONTRACT §3), called synchronously by the HTTP
// authenticate stage and the WebSocket auth message. It works from memory only, so no request
// waits on the database:
//  - an access token (JWT): verified by JwtCodec once and then found in the VerifiedTokenCache;
//    then, on every request, refused when its session is revoked, its user is unknown or
//    disabled, its role claim is not the user's current role, or it was issued before the
//    user's last role change (RevocationSet, UserStates);
//  - an API key ("cr_" + 43 base64url characters): looked up by its hash in the ApiKeyIndex;
//    refused when expired or when its owner is disabled; acts with the lower of its own role
//    and its owner's current role; the principal is marked viaApiKey.
// Every refusal is UNAUTHORIZED (TOKEN_EXPIRED for an expired access token), with a message
// that never repeats the credential.
class TokenAuthenticator final : public Authenticator
{
public:
    TokenAuthenticator(const Clock &clock, const JwtCodec &codec, VerifiedTokenCache &cache,
                       const RevocationSet &revocations, const UserStates &users,
                       const ApiKeyIndex &apiKeys);

    Result<Principal> authenticate(const QByteArray &credential) const override;

private:
    Result<Principal> authenticateApiKey(const QByteArray &credential) const;
    Result<Principal> authenticateToken(const QByteArray &credential) const;

    const Clock &m_clock;
    const JwtCodec &m_codec;
    VerifiedTokenCache &m_cache;
    const RevocationSet &m_revocations;
    const UserStates &m_users;
    const ApiKeyIndex &m_apiKeys;
};

} // namespace cr
