#pragma once

#include "core/Authenticator.h"
#include "core/Error.h"
#include "http/Route.h"

#include <QMutex>
#include <QString>

#include <atomic>
#include <memory>

namespace cr {

// Holds back what needs the identity module while the master key is still being loaded after
// the server started listening (the console reads it from the keychain, which may prompt or be
// slow): identity routes and every bearer credential answer 503 DEPENDENCY_UNAVAILABLE with
// Retry-After until open() is called. Routes that do not need identity (/health*, /api) are
// never wrapped. When the key cannot be loaded, fail() keeps the gate shut and says why.
// Thread-safe: open()/fail() from the engine thread, checks from the workers (one atomic load).
class IdentityGate : public std::enable_shared_from_this<IdentityGate>
{
public:
    static constexpr int kRetryAfterSeconds = 2;

    // A gate that starts open (the master key was loaded before listening).
    static std::shared_ptr<IdentityGate> opened();
    static std::shared_ptr<IdentityGate> closed();

    bool isOpen() const { return m_open.load(std::memory_order_acquire); }
    void open();
    void fail(const QString &reason);
    // DEPENDENCY_UNAVAILABLE with Retry-After: "starting" or, after fail(), the reason.
    Error unavailable() const;

    // The route's handler runs only once the gate is open.
    Route wrap(Route route) const;
    // Credentials are checked only once the gate is open.
    std::shared_ptr<const Authenticator> wrap(const Authenticator *inner) const;

private:
    IdentityGate() = default;

    std::atomic<bool> m_open{false};
    mutable QMutex m_mutex;
    QString m_failure;
};

} // namespace cr
