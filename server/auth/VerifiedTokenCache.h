#pragma once

#include "auth/VerifiedToken.h"

#include <QByteArrayView>

#include <array>
#include <memory>
#include <optional>

namespace cr {

class Clock;

// Remembers tokens JwtCodec has verified so a busy client does not cost a signature check per
// request. Keyed by a keyed BLAKE2b-256 hash of the whole token (crypto_generichash with a random
// per-cache key), so keys are small and nobody can aim collisions at it.
//  - an entry is gone at the token's exp (read from the Clock on every lookup);
//  - at most `capacity` entries: a full shard first drops expired entries, then the one that
//    expires soonest;
//  - thread-safe without a global lock: the hash picks one of up to 16 shards, each with its own
//    mutex.
// A hit only says "this token's signature and claims were valid": the caller must still check
// revocation (session revoked, user disabled, role changed after iat) on every request, exactly
// as after a full verify.
class VerifiedTokenCache
{
public:
    static constexpr int kDefaultCapacity = 10000;
    static constexpr int kMaxShards = 16;

    explicit VerifiedTokenCache(const Clock &clock, int capacity = kDefaultCapacity);
    ~VerifiedTokenCache();
    VerifiedTokenCache(const VerifiedTokenCache &) = delete;
    VerifiedTokenCache &operator=(const VerifiedTokenCache &) = delete;

    std::optional<VerifiedToken> find(QByteArrayView token) const;
    // Stores a verified token until its exp; an already expired one is not stored.
    void insert(QByteArrayView token, const VerifiedToken &verified);
    void remove(QByteArrayView token);
    void clear();

    int size() const;
    int capacity() const { return m_capacity; }

    struct Key
    {
        quint64 words[4];
        bool operator==(const Key &o) const;
        bool operator<(const Key &o) const;
    };
    struct Shard;

private:
    Key keyOf(QByteArrayView token) const;
    Shard &shardOf(const Key &key) const;

    const Clock &m_clock;
    const int m_capacity;
    int m_shardCount = 1;
    std::array<unsigned char, 32> m_hashKey{};
    std::unique_ptr<Shard[]> m_shards;
};

} // namespace cr
