// DatabaseConfig: URL parsing and validation with clear errors, the `database` setting and
// CODERUNNER_DATABASE_URL, and redaction: a password in the URL never appears in an error, a
// status string or a log line, also when connecting fails.

#include "StoreTestSupport.h"

#include "core/SettingsLoader.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Db.h"

#include <QTest>

using namespace cr;

namespace {

const QString kSecret = QStringLiteral("S3cretPw");

QProcessEnvironment envOf(const QList<QPair<QString, QString>> &vars)
{
    QProcessEnvironment env;
    for (const auto &v : vars)
        env.insert(v.first, v.second);
    return env;
}

} // namespace

class tst_StoreConfig : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void postgresUrl()
    {
        const Result<DatabaseConfig> r = DatabaseConfig::fromUrl(
            QStringLiteral("postgresql://cr@db.example:6543/coderunner?connect_timeout=7"
                           "&statement_timeout=1500&sslmode=require"));
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        const DatabaseConfig &c = r.value();
        QCOMPARE(c.backend(), Backend::Postgres);
        QCOMPARE(c.driverName(), QStringLiteral("QPSQL"));
        QCOMPARE(c.user(), QStringLiteral("cr"));
        QCOMPARE(c.host(), QStringLiteral("db.example"));
        QCOMPARE(c.port(), 6543);
        QCOMPARE(c.databaseName(), QStringLiteral("coderunner"));
        QVERIFY(c.password().isEmpty());
        QCOMPARE(c.connectTimeoutS(), 7);
        QCOMPARE(c.statementTimeoutMs(), 1500);
        const QString options = c.connectOptions();
        QVERIFY2(options.contains(QStringLiteral("connect_timeout=7")), qPrintable(options));
        QVERIFY2(options.contains(QStringLiteral("options='-c statement_timeout=1500'")),
                 qPrintable(options));
        QVERIFY2(options.contains(QStringLiteral("sslmode='require'")), qPrintable(options));
        QCOMPARE(c.redacted(),
                 QStringLiteral("postgresql://cr@db.example:6543/coderunner?connect_timeout=7"
                                "&statement_timeout=1500&sslmode=require"));
    }

    void postgresDefaults()
    {
        const Result<DatabaseConfig> r =
            DatabaseConfig::fromUrl(QStringLiteral("postgres://localhost/cr"));
        QVERIFY(r.ok());
        QCOMPARE(r.value().port(), -1);
        QCOMPARE(r.value().connectTimeoutS(), DatabaseConfig::kDefaultConnectTimeoutS);
        QCOMPARE(r.value().statementTimeoutMs(), DatabaseConfig::kDefaultStatementTimeoutMs);
        QVERIFY(r.value().connectOptions().contains(QStringLiteral("application_name=coderunner")));
    }

    void sqliteUrl_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("path");
        QTest::addColumn<int>("busyTimeoutMs");
        QTest::newRow("absolute") << QStringLiteral("sqlite:/var/lib/cr/coderunner.db")
                                  << QStringLiteral("/var/lib/cr/coderunner.db")
                                  << DatabaseConfig::kDefaultBusyTimeoutMs;
        QTest::newRow("three slashes")
            << QStringLiteral("sqlite:///tmp/x.db") << QStringLiteral("/tmp/x.db")
            << DatabaseConfig::kDefaultBusyTimeoutMs;
        QTest::newRow("relative") << QStringLiteral("sqlite:data/x.db")
                                  << QStringLiteral("data/x.db")
                                  << DatabaseConfig::kDefaultBusyTimeoutMs;
        QTest::newRow("busy timeout") << QStringLiteral("sqlite:/tmp/x.db?busy_timeout=250")
                                      << QStringLiteral("/tmp/x.db") << 250;
    }
    void sqliteUrl()
    {
        QFETCH(QString, url);
        QFETCH(QString, path);
        QFETCH(int, busyTimeoutMs);
        const Result<DatabaseConfig> r = DatabaseConfig::fromUrl(url);
        QVERIFY2(r.ok(), qPrintable(r.ok() ? QString() : r.error().message));
        QCOMPARE(r.value().backend(), Backend::Sqlite);
        QCOMPARE(r.value().path(), path);
        QCOMPARE(r.value().busyTimeoutMs(), busyTimeoutMs);
        QCOMPARE(r.value().connectOptions(),
                 QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(busyTimeoutMs));
    }

    void badUrls_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("expected");
        QTest::newRow("empty") << QString() << QStringLiteral("empty");
        QTest::newRow("no scheme") << QStringLiteral("localhost/db") << QStringLiteral("no scheme");
        QTest::newRow("unknown scheme")
            << QStringLiteral("mysql://u@h/db") << QStringLiteral("unsupported scheme 'mysql'");
        QTest::newRow("bad port") << QStringLiteral("postgresql://u:") + kSecret +
                                         QStringLiteral("@h:99999/db")
                                  << QStringLiteral("not a valid postgresql:// URL");
        QTest::newRow("port zero")
            << QStringLiteral("postgresql://h:0/db") << QStringLiteral("port 0");
        QTest::newRow("no database")
            << QStringLiteral("postgresql://u:") + kSecret + QStringLiteral("@h:5432/")
            << QStringLiteral("name the database");
        QTest::newRow("unknown parameter")
            << QStringLiteral("postgresql://u:") + kSecret + QStringLiteral("@h/db?colour=blue")
            << QStringLiteral("unknown parameter 'colour'");
        QTest::newRow("bad timeout") << QStringLiteral("postgresql://h/db?connect_timeout=soon")
                                     << QStringLiteral("'connect_timeout' must be a whole number");
        QTest::newRow("semicolon") << QStringLiteral("postgresql://h/db?sslmode=require%3Bx")
                                   << QStringLiteral("not allowed");
        QTest::newRow("sqlite no path")
            << QStringLiteral("sqlite:") << QStringLiteral("needs a file path");
        QTest::newRow("sqlite host")
            << QStringLiteral("sqlite://host/x.db") << QStringLiteral("names a file, not a host");
        QTest::newRow("sqlite parameter") << QStringLiteral("sqlite:/x.db?journal=off")
                                          << QStringLiteral("unknown parameter 'journal'");
    }
    void badUrls()
    {
        QFETCH(QString, url);
        QFETCH(QString, expected);
        const Result<DatabaseConfig> r = DatabaseConfig::fromUrl(url);
        QVERIFY(!r.ok());
        QCOMPARE(r.error().code, ErrorCode::ValidationError);
        QVERIFY2(r.error().message.startsWith(QStringLiteral("database URL: ")),
                 qPrintable(r.error().message));
        QVERIFY2(r.error().message.contains(expected), qPrintable(r.error().message));
        QVERIFY2(!r.error().message.contains(kSecret), qPrintable(r.error().message));
    }

    void redactedNeverShowsThePassword_data()
    {
        QTest::addColumn<QString>("url");
        QTest::addColumn<QString>("password");
        QTest::newRow("plain") << QStringLiteral("postgresql://cr:S3cretPw@h:5432/db") << kSecret;
        QTest::newRow("encoded") << QStringLiteral("postgresql://cr:p%40ss%2Fw0rd@h/db")
                                 << QStringLiteral("p@ss/w0rd");
        QTest::newRow("query") << QStringLiteral("postgresql://cr@h/db?password=S3cretPw")
                               << kSecret;
    }
    void redactedNeverShowsThePassword()
    {
        QFETCH(QString, url);
        QFETCH(QString, password);
        const Result<DatabaseConfig> r = DatabaseConfig::fromUrl(url);
        QVERIFY(r.ok());
        QCOMPARE(r.value().password(), password);
        const QString shown = r.value().redacted();
        QVERIFY2(!shown.contains(password), qPrintable(shown));
        QVERIFY2(!shown.contains(QStringLiteral("p%40ss")), qPrintable(shown));
        QVERIFY2(shown.startsWith(QStringLiteral("postgresql://cr")), qPrintable(shown));
        const QString driverText =
            QStringLiteral("could not connect as cr/") + password + QStringLiteral(" (") +
            QString::fromLatin1(QUrl::toPercentEncoding(password)) + QStringLiteral(")");
        const QString scrubbed = r.value().redact(driverText);
        QVERIFY2(!scrubbed.contains(password), qPrintable(scrubbed));
        QVERIFY2(scrubbed.contains(QStringLiteral("***")), qPrintable(scrubbed));
    }

    void redactedShowsAMaskForAPassword()
    {
        const Result<DatabaseConfig> r =
            DatabaseConfig::fromUrl(QStringLiteral("postgresql://cr:S3cretPw@h:5432/db"));
        QVERIFY(r.ok());
        QVERIFY2(r.value().redacted().startsWith(QStringLiteral("postgresql://cr:***@h:5432/db")),
                 qPrintable(r.value().redacted()));
    }

    void fromSettings()
    {
        Settings s;
        s.dataDir = QStringLiteral("/srv/cr");
        Result<DatabaseConfig> r = DatabaseConfig::fromSettings(s, QProcessEnvironment());
        QVERIFY(r.ok());
        QCOMPARE(r.value().backend(), Backend::Sqlite);
        QCOMPARE(r.value().path(), QStringLiteral("/srv/cr/coderunner.db"));

        // CODERUNNER_DATABASE_URL when the setting is empty ...
        const QProcessEnvironment env = envOf({{QStringLiteral("CODERUNNER_DATABASE_URL"),
                                                QStringLiteral("postgresql://a@h/fromenv")}});
        r = DatabaseConfig::fromSettings(s, env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().databaseName(), QStringLiteral("fromenv"));

        // ... the setting when it is not.
        s.database = QStringLiteral("postgresql://a@h/fromsetting");
        r = DatabaseConfig::fromSettings(s, env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().databaseName(), QStringLiteral("fromsetting"));

        s.database = QStringLiteral("oracle://h/x");
        r = DatabaseConfig::fromSettings(s, env);
        QVERIFY(!r.ok());
        QVERIFY(r.error().message.contains(QStringLiteral("unsupported scheme 'oracle'")));
    }

    void settingsRows()
    {
        const SettingsLoader loader;
        QVERIFY(loader.keys().contains(QStringLiteral("database")));
        QVERIFY(loader.keys().contains(QStringLiteral("storageThreads")));
        QCOMPARE(SettingsLoader::envName(QStringLiteral("database")),
                 QStringLiteral("CODERUNNER_DATABASE"));
        const QStringList argv = {QStringLiteral("coderunner"),
                                  QStringLiteral("--database=postgresql://x@h/db"),
                                  QStringLiteral("--storage-threads=3")};
        Result<Settings> r = loader.loadFromArguments(argv);
        QVERIFY(r.ok());
        QCOMPARE(r.value().database, QStringLiteral("postgresql://x@h/db"));
        QCOMPARE(r.value().storageThreads, 3);
        QCOMPARE(Settings().storageThreads, 2);
        r = loader.loadFromArguments(
            {QStringLiteral("coderunner")},
            envOf({{QStringLiteral("CODERUNNER_DATABASE"), QStringLiteral("sqlite:/tmp/a.db")}}));
        QVERIFY(r.ok());
        QCOMPARE(r.value().database, QStringLiteral("sqlite:/tmp/a.db"));
        r = loader.loadFromArguments(
            {QStringLiteral("coderunner"), QStringLiteral("--storage-threads=0")});
        QVERIFY(!r.ok());
    }

    // Connecting fails (nothing listens on port 1): neither the error nor any log line, debug
    // included, carries the password, from the URL or from PGPASSWORD.
    void failedConnectionIsRedacted()
    {
        qputenv("PGPASSWORD", "EnvSecret42");
        const Result<DatabaseConfig> config = DatabaseConfig::fromUrl(
            QStringLiteral("postgresql://cruser:S3cretPw@127.0.0.1:1/crdb?connect_timeout=2"));
        QVERIFY(config.ok());
        cr::test::LogCapture log;
        const Result<std::unique_ptr<Db>> db =
            ConnectionFactory(config.value()).open(QStringLiteral("redaction"));
        qunsetenv("PGPASSWORD");
        QVERIFY(!db.ok());
        QCOMPARE(db.error().code, ErrorCode::DependencyUnavailable);
        QVERIFY2(!db.error().message.contains(kSecret), qPrintable(db.error().message));
        const QStringList lines = log.lines();
        QVERIFY2(!lines.isEmpty(), "the failure is logged");
        QVERIFY2(log.contains(QStringLiteral("postgresql://cruser:***@127.0.0.1:1/crdb")),
                 qPrintable(lines.join(u'\n')));
        for (const QString &line : lines) {
            QVERIFY2(!line.contains(kSecret), qPrintable(line));
            QVERIFY2(!line.contains(QStringLiteral("EnvSecret42")), qPrintable(line));
        }
    }
};

QTEST_GUILESS_MAIN(tst_StoreConfig)
#include "tst_store_config.moc"
