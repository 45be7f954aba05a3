#include "identity/UserStates.h"

namespace cr {

void UserStates::put(const QString &userId, State state)
{
    QWriteLocker lock(&m_lock);
    m_states.insert(userId, state);
}

void UserStates::putIfAbsent(const QString &userId, State state)
{
    QWriteLocker lock(&m_lock);
    if (!m_states.contains(userId))
        m_states.insert(userId, state);
}

void UserStates::setRole(const QString &userId, Role role)
{
    QWriteLocker lock(&m_lock);
    const auto it = m_states.find(userId);
    if (it != m_states.end())
        it->role = role;
}

void UserStates::setDisabled(const QString &userId, bool disabled)
{
    QWriteLocker lock(&m_lock);
    const auto it = m_states.find(userId);
    if (it != m_states.end())
        it->disabled = disabled;
}

void UserStates::remove(const QString &userId)
{
    QWriteLocker lock(&m_lock);
    m_states.remove(userId);
}

std::optional<UserStates::State> UserStates::find(const QString &userId) const
{
    QReadLocker lock(&m_lock);
    const auto it = m_states.constFind(userId);
    if (it == m_states.constEnd())
        return std::nullopt;
    return it.value();
}

int UserStates::size() const
{
    QReadLocker lock(&m_lock);
    return int(m_states.size());
}

} // namespace cr
