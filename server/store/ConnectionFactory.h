#pragma once

#include "core/Result.h"
#include "store/DatabaseConfig.h"

#include <QString>

#include <memory>

namespace cr {

class Connection;
class Db;

// Makes connections for the calling thread, each under a name of its own
// ("cr-store-<purpose>-<n>"), configured from one DatabaseConfig. Copyable; thread-safe.
class ConnectionFactory
{
public:
    explicit ConnectionFactory(DatabaseConfig config);

    const DatabaseConfig &config() const { return m_config; }

    // Not yet opened: it opens on first use (or with open()).
    std::unique_ptr<Connection> createConnection(const QString &purpose) const;
    std::unique_ptr<Db> create(const QString &purpose) const;
    // Created and opened now.
    Result<std::unique_ptr<Db>> open(const QString &purpose) const;

private:
    DatabaseConfig m_config;
};

} // namespace cr
