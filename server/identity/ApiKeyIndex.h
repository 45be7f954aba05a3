#pragma once

#include "core/Principal.h"
#include "identity/ApiKey.h"

#include <QHash>
#include <QReadWriteLock>
#include <QString>

#include <atomic>
#include <memory>

namespace cr {

// The usable API keys in memory, by the hash of their text, so that authenticating a key never
// touches the database. Loaded at start, kept in step with every creation and revocation.
// The last use of each key is recorded here (an atomic store per request) and written to the
// database now and then by takeUsage(). Thread-safe.
class ApiKeyIndex
{
public:
    struct Entry
    {
        QString id;
        QString userId;
        Role role = Role::Viewer;
        qint64 expiresAtMs = 0; // 0: never
        std::atomic<qint64> lastUsedMs{0};
        std::atomic<bool> usageDirty{false};
    };

    void put(const ApiKey &key);
    void remove(const QString &keyId);
    std::shared_ptr<Entry> find(const QString &keyHash) const;
    // The last use recorded in memory (0: none since start).
    qint64 lastUsed(const QString &keyId) const;
    // Uses recorded since the last call: (key id, last used ms).
    QList<QPair<QString, qint64>> takeUsage();
    int size() const;

private:
    mutable QReadWriteLock m_lock;
    QHash<QString, std::shared_ptr<Entry>> m_byHash;
    QHash<QString, QString> m_hashById;
};

} // namespace cr
