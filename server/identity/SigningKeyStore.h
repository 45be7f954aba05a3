#pragma once

#include "auth/SigningKey.h"
#include "core/Result.h"

#include <QList>

#include <optional>

#include <memory>

namespace cr {

class Db;
class KeySet;
class KeyWrapper;

// Keeps the token signing keys across restarts: in settings_kv under kSettingsKey, as
// {"version":1,"wrappingKeyId":…,"keys":["<base64url of the wrapped key>", …]} (current key
// first), each key's serialisation (SigningKey::toBytes) wrapped by the KeyWrapper with the
// associated data kAssociatedData, so the database never holds a usable private key.
//
// Without a KeyWrapper (until the secrets module's master key is wired in) keys are made at
// start and kept in memory only: a warning is logged, nothing is written, and access tokens
// stop verifying when the process restarts (refresh tokens keep working: they are database
// rows, not signatures).
class SigningKeyStore
{
public:
    static constexpr const char *kSettingsKey = "identity.signing_keys";
    static constexpr const char *kAssociatedData = "coderunner/identity/signing-key/v1";

    explicit SigningKeyStore(std::shared_ptr<const KeyWrapper> wrapper);

    // Fills `keys` at start: the stored keys when they can be unwrapped, otherwise a new key
    // (stored when there is a wrapper). Sets *persisted to whether the keys are stored.
    Status loadOrCreate(Db &db, KeySet &keys, bool *persisted) const;
    // Writes the keys of `keys` (needs a wrapper).
    Status save(Db &db, const KeySet &keys) const;
    // The stored keys, current first (nullopt: none stored). Needs a wrapper.
    Result<std::optional<QList<SigningKey>>> read(Db &db) const;
    // `coderunner-server keys rotate`: in one transaction, the stored keys (or a first key) are
    // loaded into `keys`, a new key becomes current, the previous one is retired now, and all
    // is saved. Running servers pick it up at their next reload (Identity). The new key.
    Result<SigningKey> rotate(Db &db, KeySet &keys) const;

private:
    Status load(Db &db, KeySet &keys, bool *found) const;

    std::shared_ptr<const KeyWrapper> m_wrapper;
};

} // namespace cr
