#include "identity/IdentityOptions.h"

#include "core/Settings.h"
#include "identity/EmailAddress.h"

namespace cr {

IdentityOptions IdentityOptions::fromSettings(const Settings &s)
{
    IdentityOptions o;
    o.allowRegistration = s.allowRegistration;
    o.accessTokenTtlSeconds = s.accessTokenTtlSeconds;
    o.refreshGraceMs = qint64(s.refreshGraceSeconds) * 1000;
    o.sessionLifetimeMs = qint64(s.sessionLifetimeDays) * 24 * 3600 * 1000;
    o.passwordMinLength = s.passwordMinLength;
    o.adminEmail = EmailAddress::normalize(s.adminEmail);
    o.passwordHashMemoryMib = s.passwordHashMemoryMib;
    o.passwordHashThreads = s.passwordHashThreads;
    o.passwordHashIdlePriority = s.passwordHashIdlePriority;
    o.signingKeyReloadMs = s.signingKeyReloadMs;
    o.profileCacheMs = s.profileCacheMs;
    return o;
}

qint64 IdentityOptions::signingKeyRetentionMs() const
{
    return accessTokenTtlSeconds * 1000 + 30 * 1000 + signingKeyReloadMs;
}

PasswordHasher::Options IdentityOptions::hashing() const
{
    PasswordHasher::Options h;
    h.memLimitBytes = size_t(passwordHashMemoryMib) * 1024 * 1024;
    h.threads = passwordHashThreads;
    h.priority = passwordHashIdlePriority ? QThread::IdlePriority : QThread::InheritPriority;
    return h;
}

} // namespace cr
