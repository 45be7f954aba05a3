#pragma once

#include "core/Principal.h"

#include <QHash>
#include <QReadWriteLock>
#include <QString>

#include <optional>

namespace cr {

// The little the authenticator needs to know about every account, in memory: its current role
// and whether it is disabled. Loaded at start, updated right after every commit that changes
// one (registration, role change, disabling). An id that is not here is not an account.
// Thread-safe (read/write lock).
class UserStates
{
public:
    struct State
    {
        Role role = Role::Viewer;
        bool disabled = false;
    };

    void put(const QString &userId, State state);
    // Only when the account is not known yet (never overwrites a newer change).
    void putIfAbsent(const QString &userId, State state);
    void setRole(const QString &userId, Role role);
    void setDisabled(const QString &userId, bool disabled);
    void remove(const QString &userId);
    std::optional<State> find(const QString &userId) const;
    int size() const;

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, State> m_states;
};

} // namespace cr
