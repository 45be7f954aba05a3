#include "StoreTestSupport.h"

#include <QFile>
#include <QLoggingCategory>
#include <QSqlDatabase>
#include <QSqlError>
#include <QSqlQuery>
#include <QUuid>

namespace cr::test {
namespace {

QMap<QString, QString> readState()
{
    QMap<QString, QString> out;
    const QString path = qEnvironmentVariable("CODERUNNER_TEST_PG_FILE");
    if (path.isEmpty())
        return out;
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly | QIODevice::Text))
        return out;
    const QList<QByteArray> lines = file.readAll().split('\n');
    for (const QByteArray &line : lines) {
        const int eq = line.indexOf('=');
        if (eq > 0)
            out.insert(QString::fromUtf8(line.left(eq)), QString::fromUtf8(line.mid(eq + 1)));
    }
    return out;
}

QMutex g_logMutex;
QStringList g_log;

} // namespace

QString PgTestServer::url()
{
    return readState().value(QStringLiteral("CR_PG_URL"));
}

QString PgTestServer::unavailableReason()
{
    if (qEnvironmentVariable("CODERUNNER_TEST_PG_FILE").isEmpty())
        return QStringLiteral("PostgreSQL not available: CODERUNNER_TEST_PG_FILE is not set "
                              "(run the test through ctest)");
    const QMap<QString, QString> state = readState();
    if (state.isEmpty())
        return QStringLiteral("PostgreSQL not available: no state file (the pg fixture did "
                              "not run)");
    return QStringLiteral("PostgreSQL not available: ") +
           state.value(QStringLiteral("CR_PG_UNAVAILABLE"), QStringLiteral("unknown reason"));
}

bool PgTestServer::required()
{
    return qEnvironmentVariable("CODERUNNER_REQUIRE_POSTGRES") == u"1";
}

void addBackendRows()
{
    QTest::addColumn<QString>("backend");
    QTest::newRow("sqlite") << QStringLiteral("sqlite");
    QTest::newRow("postgresql") << QStringLiteral("postgresql");
}

TestDatabase::TestDatabase(const QString &backend)
    : m_backend(backend)
{
    if (backend == u"sqlite") {
        m_dir = std::make_unique<QTemporaryDir>();
        if (!m_dir->isValid()) {
            m_problem = QStringLiteral("cannot create a temporary directory");
            return;
        }
        m_config = DatabaseConfig::sqliteFile(m_dir->filePath(QStringLiteral("coderunner.db")));
        return;
    }
    const QString url = PgTestServer::url();
    if (url.isEmpty()) {
        m_unavailable = true;
        m_problem = PgTestServer::unavailableReason();
        return;
    }
    Result<DatabaseConfig> base = DatabaseConfig::fromUrl(url);
    if (!base) {
        m_problem = base.error().message;
        return;
    }
    m_pgDatabase =
        QStringLiteral("cr_t_") + QUuid::createUuid().toString(QUuid::Id128).left(16).toLower();
    m_adminName = QStringLiteral("cr-test-admin-") + m_pgDatabase;
    QSqlDatabase admin = QSqlDatabase::addDatabase(QStringLiteral("QPSQL"), m_adminName);
    admin.setHostName(base.value().host());
    admin.setPort(base.value().port());
    admin.setUserName(base.value().user());
    admin.setDatabaseName(base.value().databaseName());
    admin.setConnectOptions(QStringLiteral("connect_timeout=10"));
    if (!admin.open()) {
        m_problem =
            QStringLiteral("cannot connect to the test server: ") + admin.lastError().text();
        return;
    }
    if (!adminExec(QStringLiteral("CREATE DATABASE ") + m_pgDatabase)) {
        m_pgDatabase.clear();
        return;
    }
    m_config = base.value().withDatabaseName(m_pgDatabase);
}

TestDatabase::~TestDatabase()
{
    if (m_adminName.isEmpty())
        return;
    if (!m_pgDatabase.isEmpty())
        adminExec(QStringLiteral("DROP DATABASE IF EXISTS ") + m_pgDatabase +
                  QStringLiteral(" WITH (FORCE)"));
    QSqlDatabase::database(m_adminName, false).close();
    QSqlDatabase::removeDatabase(m_adminName);
}

bool TestDatabase::adminExec(const QString &sql, QVariant *first)
{
    QSqlQuery q(QSqlDatabase::database(m_adminName, false));
    if (!q.exec(sql)) {
        m_problem = QStringLiteral("admin statement failed: ") + q.lastError().text();
        return false;
    }
    if (first && q.next())
        *first = q.value(0);
    return true;
}

bool TestDatabase::terminateBackend(qint64 pid)
{
    QVariant killed;
    return adminExec(QStringLiteral("SELECT pg_terminate_backend(%1)").arg(pid), &killed) &&
           killed.toBool();
}

bool TestDatabase::backendGone(qint64 pid)
{
    QVariant count;
    return adminExec(
               QStringLiteral("SELECT count(*) FROM pg_stat_activity WHERE pid = %1").arg(pid),
               &count) &&
           count.toLongLong() == 0;
}

std::unique_ptr<Db> openDb(const TestDatabase &database, const char *purpose)
{
    Result<std::unique_ptr<Db>> db = database.factory().open(QString::fromLatin1(purpose));
    if (!db)
        qFatal("cannot open the test database: %s", qPrintable(db.error().message));
    return std::move(db).value();
}

Status insertUser(Db &db, const QString &id, const QString &email, qint64 at)
{
    const Result<int> r = db.exec(Sql("INSERT INTO users (id, email, name, password_hash, role,"
                                      " created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?)"),
                                  {id, email, QStringLiteral("Name"), QStringLiteral("hash"),
                                   QStringLiteral("viewer"), at, at});
    if (!r)
        return r.error();
    return {};
}

qint64 countUsers(Db &db)
{
    const Result<QVariant> r = db.scalar(Sql("SELECT count(*) FROM users"));
    return r ? r.value().toLongLong() : -1;
}

QString errorText(const Status &st)
{
    return st ? QStringLiteral("ok") : st.error().message;
}

LogCapture::LogCapture()
{
    {
        QMutexLocker lock(&g_logMutex);
        g_log.clear();
    }
    QLoggingCategory::setFilterRules(QStringLiteral("cr.*.debug=true"));
    m_previous = qInstallMessageHandler(&LogCapture::handler);
}

LogCapture::~LogCapture()
{
    qInstallMessageHandler(m_previous);
    QLoggingCategory::setFilterRules(QString());
}

void LogCapture::handler(QtMsgType, const QMessageLogContext &context, const QString &text)
{
    QMutexLocker lock(&g_logMutex);
    g_log << QString::fromLatin1(context.category ? context.category : "default") +
                 QStringLiteral(": ") + text;
}

QStringList LogCapture::lines() const
{
    QMutexLocker lock(&g_logMutex);
    return g_log;
}

bool LogCapture::contains(const QString &needle) const
{
    const QStringList all = lines();
    for (const QString &line : all) {
        if (line.contains(needle))
            return true;
    }
    return false;
}

} // namespace cr::test
