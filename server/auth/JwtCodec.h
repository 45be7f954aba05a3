#pragma once

#include "auth/VerifiedToken.h"
#include "core/Principal.h"
#include "core/Result.h"

#include <QByteArray>
#include <QString>

#include <memory>

namespace cr {

class Clock;
class KeySet;

// Issues and verifies the access tokens of CONTRACT §3: compact JWS, Ed25519 only.
//
// Header: exactly {"alg":"EdDSA","kid":…,"typ":"at+jwt"}. Any other alg (none, HS256, RS256, …),
// any other typ, a missing kid, a kid the KeySet does not hold (or no longer holds), and any
// further header member (jku, jwk, x5u, x5c, crit, …) are refused.
// Claims: iss and aud must equal the configured values (aud a single string), sub, sid and jti
// non-empty strings, role one of viewer|developer|operator|admin, iat, nbf, exp whole numbers.
// Other claims are ignored. Time: with leeway L (≤ 30 s) and now from the Clock,
// iat > now + L and nbf > now + L are refused, now ≥ exp + L is TokenExpired; exp ≤ iat and
// exp − iat > 24 h are refused even when correctly signed.
// Encoding: exactly three parts, each strict base64url (no padding, no stray characters,
// canonical trailing bits), JSON objects without duplicate names, at most kMaxTokenBytes.
//
// Errors: ErrorCode::TokenExpired for an expired (but otherwise valid) token,
// ErrorCode::Unauthorized for everything else; messages never contain the token or its parts.
// Verification says nothing about revocation: see VerifiedToken::principal().
class JwtCodec
{
public:
    static constexpr int kMaxLeewaySeconds = 30;
    static constexpr qint64 kMaxLifetimeSeconds = 24 * 3600;
    static constexpr qint64 kDefaultLifetimeSeconds = 15 * 60;
    static constexpr int kMaxTokenBytes = 4096;

    struct Options
    {
        QString issuer;   // required: with an empty issuer or audience nothing is issued or
        QString audience; // accepted
        int leewaySeconds = kMaxLeewaySeconds;            // clamped to [0, 30]
        qint64 lifetimeSeconds = kDefaultLifetimeSeconds; // clamped to [1, 24 h]
    };

    // What issue() needs; jti is generated (128 random bits) when empty, lifetimeSeconds 0 means
    // the configured default.
    struct Claims
    {
        QString sub;
        Role role = Role::Anonymous;
        QString sid;
        QString jti;
        qint64 lifetimeSeconds = 0;
    };

    struct Issued
    {
        QByteArray token;
        QString jti;
        QString kid;
        qint64 iat = 0;
        qint64 exp = 0;
    };

    JwtCodec(std::shared_ptr<const KeySet> keys, const Clock &clock, Options options);

    // Signs with the KeySet's current key. ValidationError for bad claims (empty sub/sid,
    // anonymous role, lifetime beyond 24 h), Internal when there is no current key or no
    // issuer/audience.
    Result<Issued> issue(const Claims &claims) const;
    Result<VerifiedToken> verify(QByteArrayView token) const;

    const Options &options() const { return m_options; }

private:
    const std::shared_ptr<const KeySet> m_keys;
    const Clock &m_clock;
    Options m_options;
};

} // namespace cr
