// SettingsLoader: defaults < config file (JSON, INI) < environment < command line, the names,
// list splitting, and a clear error (never a partial result) for every bad value.

#include "core/SettingsLoader.h"

#include <QCommandLineParser>
#include <QFile>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QTemporaryDir>
#include <QTest>

using namespace cr;

namespace {

QProcessEnvironment envOf(const QList<QPair<QString, QString>> &vars)
{
    QProcessEnvironment env;
    for (const auto &v : vars)
        env.insert(v.first, v.second);
    return env;
}

QStringList args(const QStringList &rest = {})
{
    return QStringList{QStringLiteral("coderunner")} + rest;
}

} // namespace

class tst_Settings : public QObject
{
    Q_OBJECT

private:
    QTemporaryDir m_dir;
    SettingsLoader m_loader;

    QString write(const QString &name, const QByteArray &content)
    {
        const QString path = m_dir.filePath(name);
        QFile f(path);
        if (!f.open(QIODevice::WriteOnly | QIODevice::Truncate))
            qFatal("cannot write %s", qPrintable(path));
        f.write(content);
        return path;
    }

    // Loads and expects an error whose message contains every one of `needles`.
    void expectError(const Result<Settings> &r, const QStringList &needles)
    {
        QVERIFY2(!r.ok(), "expected an error, got settings");
        QCOMPARE(r.error().code, ErrorCode::ValidationError);
        for (const QString &n : needles)
            QVERIFY2(r.error().message.contains(n, Qt::CaseInsensitive),
                     qPrintable(r.error().message + QStringLiteral(" lacks ") + n));
    }

private Q_SLOTS:
    void initTestCase() { QVERIFY(m_dir.isValid()); }

    void names_data()
    {
        QTest::addColumn<QString>("key");
        QTest::addColumn<QString>("flag");
        QTest::addColumn<QString>("env");
        QTest::newRow("maxUriBytes")
            << QStringLiteral("maxUriBytes") << QStringLiteral("max-uri-bytes")
            << QStringLiteral("CODERUNNER_MAX_URI_BYTES");
        QTest::newRow("port") << QStringLiteral("port") << QStringLiteral("port")
                              << QStringLiteral("CODERUNNER_PORT");
        QTest::newRow("tlsHandshakeTimeoutMs")
            << QStringLiteral("tlsHandshakeTimeoutMs") << QStringLiteral("tls-handshake-timeout-ms")
            << QStringLiteral("CODERUNNER_TLS_HANDSHAKE_TIMEOUT_MS");
        QTest::newRow("wsMaxMessageBytes")
            << QStringLiteral("wsMaxMessageBytes") << QStringLiteral("ws-max-message-bytes")
            << QStringLiteral("CODERUNNER_WS_MAX_MESSAGE_BYTES");
        QTest::newRow("corsOrigins")
            << QStringLiteral("corsOrigins") << QStringLiteral("cors-origins")
            << QStringLiteral("CODERUNNER_CORS_ORIGINS");
    }
    void names()
    {
        QFETCH(QString, key);
        QFETCH(QString, flag);
        QFETCH(QString, env);
        QCOMPARE(SettingsLoader::flagName(key), flag);
        QCOMPARE(SettingsLoader::envName(key), env);
        QVERIFY(m_loader.keys().contains(key));
    }

    void everyKeyHasAnOption()
    {
        for (const QString &key : m_loader.keys()) {
            QCommandLineParser parser;
            m_loader.addOptions(parser);
            QVERIFY2(parser.parse(args({QStringLiteral("--") + SettingsLoader::flagName(key) +
                                        QStringLiteral("=1")})),
                     qPrintable(parser.errorText()));
        }
        QCommandLineParser parser;
        m_loader.addOptions(parser);
        QVERIFY(parser.parse(args({QStringLiteral("--config=x")})));
        QVERIFY(m_loader.keys().size() >= 29);
    }

    void defaults()
    {
        const Result<Settings> r = m_loader.loadFromArguments(args());
        QVERIFY(r.ok());
        const Settings d;
        QCOMPARE(r.value().port, d.port);
        QCOMPARE(r.value().bind, d.bind);
        QCOMPARE(r.value().maxUriBytes, 8192);
        QCOMPARE(r.value().wsMaxMessageBytes, 64 * 1024);
        QCOMPARE(r.value().wsAuthTimeoutMs, 30000);
        QCOMPARE(r.value().envelopeTopLevelCopy, true);
        QVERIFY(r.value().corsOrigins.isEmpty());
    }

    void precedence()
    {
        const QString json = write(QStringLiteral("p.json"),
                                   R"({"port": 1001, "maxUriBytes": 2001, "workers": 3,
                                       "logLevel": "debug", "accessLog": false})");
        // File only.
        Result<Settings> r = m_loader.loadFromArguments(args({QStringLiteral("--config"), json}));
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 1001);
        QCOMPARE(r.value().maxUriBytes, 2001);
        QCOMPARE(r.value().workers, 3);
        QCOMPARE(r.value().logLevel, QStringLiteral("debug"));
        QCOMPARE(r.value().accessLog, false);
        QCOMPARE(r.value().maxHeaderBytes, Settings().maxHeaderBytes); // untouched: default

        // Environment over file.
        const QProcessEnvironment env =
            envOf({{QStringLiteral("CODERUNNER_PORT"), QStringLiteral("1002")},
                   {QStringLiteral("CODERUNNER_MAX_URI_BYTES"), QStringLiteral("2002")}});
        r = m_loader.loadFromArguments(args({QStringLiteral("--config"), json}), env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 1002);
        QCOMPARE(r.value().maxUriBytes, 2002);
        QCOMPARE(r.value().workers, 3);

        // Command line over environment.
        r = m_loader.loadFromArguments(args({QStringLiteral("--config"), json,
                                             QStringLiteral("--port"), QStringLiteral("1003")}),
                                       env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 1003);
        QCOMPARE(r.value().maxUriBytes, 2002);
        QCOMPARE(r.value().workers, 3);
        QCOMPARE(r.value().logLevel, QStringLiteral("debug"));

        // --key=value form.
        r = m_loader.loadFromArguments(args({QStringLiteral("--max-uri-bytes=4096")}), env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().maxUriBytes, 4096);
        QCOMPARE(r.value().port, 1002);
    }

    void configFromEnvironment()
    {
        const QString a = write(QStringLiteral("a.json"), R"({"port": 2222})");
        const QString b = write(QStringLiteral("b.json"), R"({"port": 3333})");
        const QProcessEnvironment env = envOf({{QStringLiteral("CODERUNNER_CONFIG"), a}});
        Result<Settings> r = m_loader.loadFromArguments(args(), env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 2222);
        // --config wins over CODERUNNER_CONFIG.
        r = m_loader.loadFromArguments(args({QStringLiteral("--config"), b}), env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 3333);
    }

    void iniFile()
    {
        const QString ini =
            write(QStringLiteral("c.ini"), "port=4444\n"
                                           "bind=0.0.0.0\n"
                                           "corsOrigins=https://a.example, https://b.example\n"
                                           "envelopeTopLevelCopy=false\n"
                                           "maxBodyBytes=2048\n");
        Result<Settings> r = m_loader.loadFromArguments(args({QStringLiteral("--config"), ini}));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r.value().port, 4444);
        QCOMPARE(r.value().bind, QStringLiteral("0.0.0.0"));
        QCOMPARE(r.value().corsOrigins, QStringList({QStringLiteral("https://a.example"),
                                                     QStringLiteral("https://b.example")}));
        QCOMPARE(r.value().envelopeTopLevelCopy, false);
        QCOMPARE(r.value().maxBodyBytes, qint64(2048));

        // The [General] section is the same as no section.
        const QString general = write(QStringLiteral("g.ini"), "[General]\nport=4445\n");
        r = m_loader.loadFromArguments(args({QStringLiteral("--config"), general}));
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 4445);
    }

    void jsonFile()
    {
        // Built with QJsonDocument: moc does not parse "//" inside multi-line raw strings.
        const QJsonObject source{
            {QStringLiteral("corsOrigins"),
             QJsonArray{QStringLiteral("https://a.example"), QStringLiteral("https://b.example")}},
            {QStringLiteral("publicHosts"), QStringLiteral("x.example, y.example")},
            {QStringLiteral("maxBodyBytes"), 10000000000.0},
            {QStringLiteral("envelopeTopLevelCopy"), false},
            {QStringLiteral("environment"), QStringLiteral("staging")}};
        const QString json = write(QStringLiteral("d.json"), QJsonDocument(source).toJson());
        const Result<Settings> r =
            m_loader.loadFromArguments(args({QStringLiteral("--config"), json}));
        QVERIFY2(r.ok(), r.ok() ? "" : qPrintable(r.error().message));
        QCOMPARE(r.value().corsOrigins, QStringList({QStringLiteral("https://a.example"),
                                                     QStringLiteral("https://b.example")}));
        QCOMPARE(r.value().publicHosts,
                 QStringList({QStringLiteral("x.example"), QStringLiteral("y.example")}));
        QCOMPARE(r.value().maxBodyBytes, qint64(10000000000));
        QCOMPARE(r.value().envelopeTopLevelCopy, false);
        QCOMPARE(r.value().environment, QStringLiteral("staging"));
    }

    void listsSplitOnCommas()
    {
        const QProcessEnvironment env =
            envOf({{QStringLiteral("CODERUNNER_CORS_ORIGINS"),
                    QStringLiteral(" https://a , ,https://b,")},
                   {QStringLiteral("CODERUNNER_PUBLIC_HOSTS"), QStringLiteral("")}});
        Result<Settings> r = m_loader.loadFromArguments(args(), env);
        QVERIFY(r.ok());
        QCOMPARE(r.value().corsOrigins,
                 QStringList({QStringLiteral("https://a"), QStringLiteral("https://b")}));
        QVERIFY(r.value().publicHosts.isEmpty());

        r = m_loader.loadFromArguments(
            args({QStringLiteral("--public-hosts"), QStringLiteral("one.example,two.example")}));
        QVERIFY(r.ok());
        QCOMPARE(r.value().publicHosts,
                 QStringList({QStringLiteral("one.example"), QStringLiteral("two.example")}));
    }

    void booleans_data()
    {
        QTest::addColumn<QString>("text");
        QTest::addColumn<bool>("value");
        for (const char *t : {"true", "TRUE", "1", "yes", "on", " On "})
            QTest::newRow(t) << QString::fromLatin1(t) << true;
        for (const char *f : {"false", "False", "0", "no", "off"})
            QTest::newRow(f) << QString::fromLatin1(f) << false;
    }
    void booleans()
    {
        QFETCH(QString, text);
        QFETCH(bool, value);
        const Result<Settings> r = m_loader.loadFromArguments(
            args(), envOf({{QStringLiteral("CODERUNNER_ACCESS_LOG"), text}}));
        QVERIFY(r.ok());
        QCOMPARE(r.value().accessLog, value);
    }

    void badValues_data()
    {
        QTest::addColumn<QStringList>("arguments");
        QTest::addColumn<QString>("envName");
        QTest::addColumn<QString>("envValue");
        QTest::addColumn<QStringList>("needles");

        const QString none;
        QTest::newRow("cli not a number")
            << QStringList({QStringLiteral("--port"), QStringLiteral("eighty")}) << none << none
            << QStringList({QStringLiteral("port"), QStringLiteral("command line"),
                            QStringLiteral("whole number")});
        QTest::newRow("cli fraction")
            << QStringList({QStringLiteral("--port"), QStringLiteral("80.5")}) << none << none
            << QStringList({QStringLiteral("port"), QStringLiteral("whole number")});
        QTest::newRow("cli out of range")
            << QStringList({QStringLiteral("--port"), QStringLiteral("65536")}) << none << none
            << QStringList({QStringLiteral("port"), QStringLiteral("between 0 and 65535")});
        QTest::newRow("cli negative")
            << QStringList({QStringLiteral("--max-uri-bytes"), QStringLiteral("-1")}) << none
            << none << QStringList({QStringLiteral("maxUriBytes"), QStringLiteral("between")});
        QTest::newRow("cli too small")
            << QStringList({QStringLiteral("--ws-send-queue-bytes"), QStringLiteral("10")}) << none
            << none << QStringList({QStringLiteral("wsSendQueueBytes")});
        QTest::newRow("cli overflow")
            << QStringList(
                   {QStringLiteral("--header-timeout-ms"), QStringLiteral("99999999999999999999")})
            << none << none << QStringList({QStringLiteral("headerTimeoutMs")});
        QTest::newRow("cli not a bool")
            << QStringList({QStringLiteral("--access-log"), QStringLiteral("maybe")}) << none
            << none << QStringList({QStringLiteral("accessLog"), QStringLiteral("true or false")});
        QTest::newRow("cli unknown choice")
            << QStringList({QStringLiteral("--log-format"), QStringLiteral("xml")}) << none << none
            << QStringList({QStringLiteral("logFormat"), QStringLiteral("text, json")});
        QTest::newRow("cli unknown option")
            << QStringList({QStringLiteral("--no-such-option"), QStringLiteral("1")}) << none
            << none << QStringList({QStringLiteral("no-such-option")});
        QTest::newRow("cli missing value") << QStringList({QStringLiteral("--port")}) << none
                                           << none << QStringList({QStringLiteral("port")});
        QTest::newRow("env not a number")
            << QStringList() << QStringLiteral("CODERUNNER_PORT") << QStringLiteral("x")
            << QStringList({QStringLiteral("port"), QStringLiteral("environment")});
        QTest::newRow("env empty number")
            << QStringList() << QStringLiteral("CODERUNNER_WORKERS") << QString()
            << QStringList({QStringLiteral("workers"), QStringLiteral("environment")});
        QTest::newRow("env out of range")
            << QStringList() << QStringLiteral("CODERUNNER_WORKERS") << QStringLiteral("1000")
            << QStringList({QStringLiteral("workers"), QStringLiteral("between 0 and 256")});
        QTest::newRow("env not a bool")
            << QStringList() << QStringLiteral("CODERUNNER_REFUSE_OVER_LIMIT")
            << QStringLiteral("2") << QStringList({QStringLiteral("refuseOverLimit")});
        QTest::newRow("env unknown choice")
            << QStringList() << QStringLiteral("CODERUNNER_LOG_LEVEL") << QStringLiteral("trace")
            << QStringList({QStringLiteral("logLevel"), QStringLiteral("debug")});
        QTest::newRow("tls cert without key")
            << QStringList({QStringLiteral("--tls-cert"), QStringLiteral("/tmp/cert.pem")}) << none
            << none << QStringList({QStringLiteral("tls")});
        QTest::newRow("tls key without cert")
            << QStringList() << QStringLiteral("CODERUNNER_TLS_KEY") << QStringLiteral("/k.pem")
            << QStringList({QStringLiteral("tls")});
        QTest::newRow("unreadable file")
            << QStringList({QStringLiteral("--config"), QStringLiteral("/nonexistent/x.json")})
            << none << none << QStringList({QStringLiteral("/nonexistent/x.json")});
        QTest::newRow("unreadable file from env")
            << QStringList() << QStringLiteral("CODERUNNER_CONFIG")
            << QStringLiteral("/nonexistent/y.ini")
            << QStringList({QStringLiteral("/nonexistent/y.ini")});
    }
    void badValues()
    {
        QFETCH(QStringList, arguments);
        QFETCH(QString, envName);
        QFETCH(QString, envValue);
        QFETCH(QStringList, needles);
        QProcessEnvironment env;
        if (!envName.isEmpty())
            env.insert(envName, envValue);
        expectError(m_loader.loadFromArguments(args(arguments), env), needles);
    }

    void badFiles_data()
    {
        QTest::addColumn<QString>("name");
        QTest::addColumn<QByteArray>("content");
        QTest::addColumn<QStringList>("needles");
        QTest::newRow("json unknown key")
            << QStringLiteral("u.json") << QByteArray(R"({"port": 1, "noSuchKey": 2})")
            << QStringList({QStringLiteral("noSuchKey")});
        QTest::newRow("json not a number")
            << QStringLiteral("n.json") << QByteArray(R"({"port": "abc"})")
            << QStringList({QStringLiteral("port")});
        QTest::newRow("json fraction")
            << QStringLiteral("f.json") << QByteArray(R"({"port": 80.5})")
            << QStringList({QStringLiteral("port")});
        QTest::newRow("json out of range")
            << QStringLiteral("r.json") << QByteArray(R"({"port": 70000})")
            << QStringList({QStringLiteral("port")});
        QTest::newRow("json bool for number")
            << QStringLiteral("b.json") << QByteArray(R"({"port": true})")
            << QStringList({QStringLiteral("port")});
        QTest::newRow("json not a bool")
            << QStringLiteral("nb.json") << QByteArray(R"({"accessLog": "sometimes"})")
            << QStringList({QStringLiteral("accessLog")});
        QTest::newRow("json unknown choice")
            << QStringLiteral("c.json") << QByteArray(R"({"logFormat": "yaml"})")
            << QStringList({QStringLiteral("logFormat")});
        QTest::newRow("json null") << QStringLiteral("null.json") << QByteArray(R"({"bind": null})")
                                   << QStringList({QStringLiteral("bind")});
        QTest::newRow("json object value")
            << QStringLiteral("o.json") << QByteArray(R"({"bind": {"a": 1}})")
            << QStringList({QStringLiteral("bind")});
        QTest::newRow("json array for a scalar")
            << QStringLiteral("as.json") << QByteArray(R"({"port": [1, 2]})")
            << QStringList({QStringLiteral("port")});
        QTest::newRow("json array of numbers")
            << QStringLiteral("an.json") << QByteArray(R"({"corsOrigins": [1, 2]})")
            << QStringList({QStringLiteral("corsOrigins")});
        QTest::newRow("json syntax") << QStringLiteral("s.json") << QByteArray(R"({"port": )")
                                     << QStringList({QStringLiteral("s.json")});
        QTest::newRow("json array document") << QStringLiteral("ad.json") << QByteArray("[]")
                                             << QStringList({QStringLiteral("ad.json")});
        QTest::newRow("ini unknown key")
            << QStringLiteral("u.ini") << QByteArray("port=1\nnoSuchKey=2\n")
            << QStringList({QStringLiteral("noSuchKey")});
        QTest::newRow("ini section key")
            << QStringLiteral("sec.ini") << QByteArray("[server]\nport=1\n")
            << QStringList({QStringLiteral("port")});
        QTest::newRow("ini bad number") << QStringLiteral("n.ini") << QByteArray("port=abc\n")
                                        << QStringList({QStringLiteral("port")});
        QTest::newRow("ini bad bool") << QStringLiteral("b.ini") << QByteArray("accessLog=2\n")
                                      << QStringList({QStringLiteral("accessLog")});
        QTest::newRow("ini bad choice") << QStringLiteral("c.ini") << QByteArray("logLevel=loud\n")
                                        << QStringList({QStringLiteral("logLevel")});
    }
    void badFiles()
    {
        QFETCH(QString, name);
        QFETCH(QByteArray, content);
        QFETCH(QStringList, needles);
        const QString path = write(name, content);
        expectError(m_loader.loadFromArguments(args({QStringLiteral("--config"), path})), needles);
    }

    void directoryAsConfig()
    {
        expectError(m_loader.loadFromArguments(args({QStringLiteral("--config"), m_dir.path()})),
                    {m_dir.path()});
    }

    void unreadableFile()
    {
        const QString path = write(QStringLiteral("locked.json"), R"({"port": 1})");
        QFile::setPermissions(path, QFileDevice::Permissions());
        QFile probe(path);
        if (probe.open(QIODevice::ReadOnly))
            QSKIP("running as root: permissions do not stop reads");
        expectError(m_loader.loadFromArguments(args({QStringLiteral("--config"), path})),
                    {QStringLiteral("locked.json")});
    }

    void errorsComeFromTheFirstBadSourceWithNoPartialResult()
    {
        // A good file and a bad environment variable: an error, not settings with the file
        // applied.
        const QString json = write(QStringLiteral("ok.json"), R"({"port": 5555})");
        const Result<Settings> r = m_loader.loadFromArguments(
            args({QStringLiteral("--config"), json}),
            envOf({{QStringLiteral("CODERUNNER_MAX_HEADER_COUNT"), QStringLiteral("0")}}));
        expectError(r, {QStringLiteral("maxHeaderCount"), QStringLiteral("environment")});
    }

    void loadFileKeepsBase()
    {
        Settings base;
        base.port = 7777;
        base.environment = QStringLiteral("base");
        const QString json = write(QStringLiteral("lf.json"), R"({"environment": "file"})");
        const Result<Settings> r = m_loader.loadFile(json, base);
        QVERIFY(r.ok());
        QCOMPARE(r.value().port, 7777);
        QCOMPARE(r.value().environment, QStringLiteral("file"));
    }
};

QTEST_GUILESS_MAIN(tst_Settings)
#include "tst_settings.moc"
