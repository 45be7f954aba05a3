#pragma once

#include "core/Settings.h"

namespace cr {
class Clock;
}

// `coderunner-server keys rotate` and `keys list` (ServerCommands): the token signing keys
// stored in the database, wrapped under the master key (identity/SigningKeyStore).
class KeyCommands
{
public:
    // A new Ed25519 key becomes current; the previous one is retired now and stays in
    // /.well-known/jwks.json for IdentityOptions::signingKeyRetentionMs(). Running servers
    // reload the keys every signingKeyReloadMs.
    static int rotate(const cr::Settings &settings, const cr::Clock &clock);
    static int list(const cr::Settings &settings, const cr::Clock &clock);
};
