#include "identity/ApiKeyIndex.h"

namespace cr {

void ApiKeyIndex::put(const ApiKey &key)
{
    auto entry = std::make_shared<Entry>();
    entry->id = key.id;
    entry->userId = key.userId;
    entry->role = key.role;
    entry->expiresAtMs = key.expiresAtMs;
    entry->lastUsedMs.store(key.lastUsedAtMs);
    QWriteLocker lock(&m_lock);
    m_byHash.insert(key.keyHash, std::move(entry));
    m_hashById.insert(key.id, key.keyHash);
}

void ApiKeyIndex::remove(const QString &keyId)
{
    QWriteLocker lock(&m_lock);
    const QString hash = m_hashById.take(keyId);
    if (!hash.isEmpty())
        m_byHash.remove(hash);
}

std::shared_ptr<ApiKeyIndex::Entry> ApiKeyIndex::find(const QString &keyHash) const
{
    QReadLocker lock(&m_lock);
    return m_byHash.value(keyHash);
}

qint64 ApiKeyIndex::lastUsed(const QString &keyId) const
{
    QReadLocker lock(&m_lock);
    const auto entry = m_byHash.value(m_hashById.value(keyId));
    return entry ? entry->lastUsedMs.load() : 0;
}

QList<QPair<QString, qint64>> ApiKeyIndex::takeUsage()
{
    QList<QPair<QString, qint64>> out;
    QReadLocker lock(&m_lock);
    for (const auto &entry : m_byHash) {
        if (entry->usageDirty.exchange(false))
            out.append({entry->id, entry->lastUsedMs.load()});
    }
    return out;
}

int ApiKeyIndex::size() const
{
    QReadLocker lock(&m_lock);
    return int(m_byHash.size());
}

} // namespace cr
