#include "store/Connection.h"

#include "store/StoreLogging.h"

#include <QDir>
#include <QFileInfo>
#include <QSqlError>
#include <QSqlQuery>
#include <QThread>

namespace cr {
namespace {

constexpr int kMaxCachedStatements = 256;

} // namespace

Connection::Connection(DatabaseConfig config, QString name)
    : m_config(std::move(config))
    , m_name(std::move(name))
    , m_thread(QThread::currentThread())
{}

Connection::~Connection()
{
    close();
}

void Connection::assertThread() const
{
    Q_ASSERT_X(QThread::currentThread() == m_thread, "cr::Connection",
               "a connection is used only by the thread that created it");
}

Status Connection::open()
{
    assertThread();
    if (m_open)
        return {};
    if (!QSqlDatabase::isDriverAvailable(m_config.driverName())) {
        return failOpen(
            QStringLiteral("the Qt SQL driver %1 is not installed%2")
                .arg(m_config.driverName(), m_config.backend() == Backend::Postgres
                                                ? QStringLiteral(" (package libqt6sql6-psql)")
                                                : QString()),
            QString());
    }
    m_db = QSqlDatabase::addDatabase(m_config.driverName(), m_name);
    const Status st = m_config.backend() == Backend::Postgres ? openPostgres() : openSqlite();
    if (!st)
        return st;
    m_open = true;
    ++m_openCount;
    qCDebug(lcStore).noquote() << "opened" << m_name << "to" << m_config.redacted();
    return {};
}

namespace {

constexpr int kLockRetryMs = 10;

bool isLocked(const QSqlError &e)
{
    return e.nativeErrorCode() == QLatin1String("5") || e.nativeErrorCode() == QLatin1String("6");
}

} // namespace

Status Connection::openSqlite()
{
    const QString &path = m_config.path();
    if (path != u":memory:") {
        const QString dir = QFileInfo(path).absolutePath();
        if (!QDir().mkpath(dir))
            return failOpen(QStringLiteral("cannot create the database directory %1").arg(dir),
                            QString());
    }
    m_db.setDatabaseName(path);
    m_db.setConnectOptions(m_config.connectOptions());
    if (!m_db.open())
        return failOpen(QStringLiteral("cannot open the SQLite database %1").arg(path),
                        m_db.lastError().text());
    // WAL: readers do not block the writer; NORMAL is durable in WAL mode except for the last
    // transactions before a power loss; foreign keys are off in SQLite unless asked for.
    QSqlQuery q(m_db);
    // Switching a new file to WAL needs an exclusive lock, and SQLite answers "database is
    // locked" at once instead of calling the busy handler while another process (a second
    // instance starting on the same file) holds one: retry for the busy timeout.
    bool walSet = q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    for (int waited = 0; !walSet && isLocked(q.lastError()) && waited < m_config.busyTimeoutMs();
         waited += kLockRetryMs) {
        QThread::msleep(kLockRetryMs);
        walSet = q.exec(QStringLiteral("PRAGMA journal_mode=WAL"));
    }
    if (!walSet)
        return failOpen(QStringLiteral("cannot set up the SQLite database %1").arg(path),
                        q.lastError().text());
    if (q.next() && q.value(0).toString().compare(u"wal", Qt::CaseInsensitive) != 0 &&
        path != u":memory:")
        qCWarning(lcStore).noquote()
            << "SQLite database" << path << "is not in WAL mode:" << q.value(0).toString();
    q.finish();
    for (const QString &pragma :
         {QStringLiteral("PRAGMA foreign_keys=ON"), QStringLiteral("PRAGMA synchronous=NORMAL")}) {
        if (!q.exec(pragma))
            return failOpen(QStringLiteral("cannot set up the SQLite database %1").arg(path),
                            q.lastError().text());
    }
    return {};
}

Status Connection::openPostgres()
{
    if (!m_config.host().isEmpty())
        m_db.setHostName(m_config.host());
    if (m_config.port() > 0)
        m_db.setPort(m_config.port());
    m_db.setDatabaseName(m_config.databaseName());
    if (!m_config.user().isEmpty())
        m_db.setUserName(m_config.user());
    if (!m_config.password().isEmpty())
        m_db.setPassword(m_config.password());
    m_db.setConnectOptions(m_config.connectOptions());
    if (!m_db.open())
        return failOpen(QStringLiteral("cannot connect to the database"), m_db.lastError().text());
    return {};
}

Status Connection::failOpen(const QString &what, const QString &detail)
{
    qCWarning(lcStore).noquote() << what << QString(u'(' + m_config.redacted() + u')');
    if (!detail.isEmpty())
        qCDebug(lcStore).noquote() << m_name << "open failed:" << m_config.redact(detail);
    close();
    return Error::make(ErrorCode::DependencyUnavailable, what);
}

void Connection::close()
{
    assertThread();
    const bool registered = QSqlDatabase::contains(m_name);
    if (!registered && m_statements.isEmpty())
        return;
    // Remove the connection first: that deletes the driver, so the cached statements are
    // released without a DEALLOCATE on a connection that may be gone.
    m_db = QSqlDatabase();
    if (registered)
        QSqlDatabase::removeDatabase(m_name);
    m_statements.clear();
    if (m_open)
        qCDebug(lcStore).noquote() << "closed" << m_name;
    m_open = false;
}

QSqlQuery *Connection::prepared(Sql sql, QSqlError *error)
{
    assertThread();
    const QByteArray key = sql.bytes();
    auto it = m_statements.constFind(key);
    if (it != m_statements.constEnd())
        return it->get();
    auto query = std::make_shared<QSqlQuery>(m_db);
    query->setForwardOnly(true);
    if (!query->prepare(sql.toString())) {
        if (error)
            *error = query->lastError();
        return nullptr;
    }
    if (m_statements.size() >= kMaxCachedStatements)
        m_statements.clear();
    // A deep copy of the key: the cache must not depend on where the text lives.
    m_statements.insert(QByteArray(sql.data(), sql.size()), query);
    return query.get();
}

QSqlQuery Connection::plainQuery() const
{
    QSqlQuery q(m_db);
    q.setForwardOnly(true);
    return q;
}

} // namespace cr
