#include "store/ConnectionFactory.h"

#include "store/Connection.h"
#include "store/Db.h"

#include <atomic>

namespace cr {

ConnectionFactory::ConnectionFactory(DatabaseConfig config)
    : m_config(std::move(config))
{}

std::unique_ptr<Connection> ConnectionFactory::createConnection(const QString &purpose) const
{
    static std::atomic<quint64> counter{0};
    const QString name =
        QStringLiteral("cr-store-%1-%2").arg(purpose).arg(counter.fetch_add(1) + 1);
    return std::make_unique<Connection>(m_config, name);
}

std::unique_ptr<Db> ConnectionFactory::create(const QString &purpose) const
{
    return std::make_unique<Db>(createConnection(purpose));
}

Result<std::unique_ptr<Db>> ConnectionFactory::open(const QString &purpose) const
{
    std::unique_ptr<Db> db = create(purpose);
    if (Status st = db->open(); !st)
        return st.error();
    return db;
}

} // namespace cr
