#pragma once

#include "auth/PasswordHasher.h"

#include <QString>
#include <QtGlobal>

namespace cr {

struct Settings;

// The identity module's settings (from the settings table) and fixed values.
struct IdentityOptions
{
    // The access tokens' iss and aud: fixed values (CONTRACT §3).
    static constexpr const char *kIssuer = "coderunner";
    static constexpr const char *kAudience = "coderunner-api";
    static constexpr int kMaxNameLength = 100;
    static constexpr int kMaxApiKeysPerUser = 100;
    static constexpr int kMaxDeviceLength = 200;

    bool allowRegistration = true;
    qint64 accessTokenTtlSeconds = 900;
    qint64 refreshGraceMs = 10 * 1000;
    qint64 sessionLifetimeMs = qint64(30) * 24 * 3600 * 1000;
    int passwordMinLength = 12;
    QString adminEmail;
    int passwordHashMemoryMib = 46;
    int passwordHashThreads = 2;
    bool passwordHashIdlePriority = true;
    qint64 signingKeyReloadMs = 30 * 1000;
    qint64 profileCacheMs = 2000; // ProfileCache's TTL; 0: every profile read from the database

    // How long a retired signing key still verifies (and stays in the JWKS): the access-token
    // lifetime, the 30 s clock leeway, and one reload interval (a server may go on signing
    // with a key for that long after another process rotated it).
    qint64 signingKeyRetentionMs() const;

    static IdentityOptions fromSettings(const Settings &settings);
    // The Argon2id settings every hash of an account password is made with.
    PasswordHasher::Options hashing() const;
};

} // namespace cr
