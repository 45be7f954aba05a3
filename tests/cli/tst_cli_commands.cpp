// coderunner-server user add / user list / keys rotate / keys list, run as the real binary with
// a throwaway data directory and the password on stdin; the result is checked by logging in
// over HTTP to an Engine started on the same directory afterwards.

#include "IdentityTestSupport.h"

#include "engine/Engine.h"

#include <QFile>
#include <QJsonArray>
#include <QProcess>
#include <QStandardPaths>
#include <QTemporaryDir>
#include <QTest>

namespace {

struct Run
{
    int exitCode = -1;
    QString out;
    QString err;
};

const QString kEmail = QStringLiteral("first.admin@example.com");

} // namespace

class TstCliCommands : public QObject
{
    Q_OBJECT

private:
    // Cheap hashing, as the identity tests use; the same settings the server gets below.
    static QStringList common(const QString &dataDir)
    {
        return {QStringLiteral("--data-dir"), dataDir, QStringLiteral("--password-hash-memory-mib"),
                QStringLiteral("8")};
    }

    static Run run(const QStringList &arguments, const QByteArray &stdinBytes = QByteArray())
    {
        QProcess p;
        p.setProgram(QStringLiteral(CR_SERVER_BINARY));
        p.setArguments(arguments);
        QProcessEnvironment env = QProcessEnvironment::systemEnvironment();
        env.insert(QStringLiteral("QT_LOGGING_RULES"), QStringLiteral("cr.*.info=false"));
        p.setProcessEnvironment(env);
        p.start();
        Run r;
        if (!p.waitForStarted(10000))
            return r;
        p.write(stdinBytes);
        p.closeWriteChannel();
        if (!p.waitForFinished(60000)) {
            p.kill();
            p.waitForFinished();
            return r;
        }
        r.exitCode = p.exitStatus() == QProcess::NormalExit ? p.exitCode() : -2;
        r.out = QString::fromUtf8(p.readAllStandardOutput());
        r.err = QString::fromUtf8(p.readAllStandardError());
        return r;
    }

    static Run addUser(const QString &dataDir, const QString &email, const QString &role,
                       const QByteArray &password)
    {
        QStringList args{QStringLiteral("user"),    QStringLiteral("add"),
                         QStringLiteral("--email"), email,
                         QStringLiteral("--role"),  role};
        return run(args + common(dataDir), password + '\n');
    }

    static std::unique_ptr<cr::Engine> startEngine(const QString &dataDir)
    {
        cr::Settings s = idtest::settings();
        s.dataDir = dataDir;
        auto engine = std::make_unique<cr::Engine>(s);
        const cr::Status st = engine->start();
        if (!st) {
            qWarning("engine did not start: %s", qPrintable(st.error().message));
            return nullptr;
        }
        return engine;
    }

    static std::optional<RawClient::Response> login(quint16 port, const QString &email,
                                                    const QString &password)
    {
        const QJsonObject body{{QStringLiteral("email"), email},
                               {QStringLiteral("password"), password}};
        return idtest::call(port, "POST", "/api/auth/login", &body);
    }

private Q_SLOTS:
    void addAdminThenLogIn()
    {
        QTemporaryDir dir;
        // Mixed case and spaces: stored trimmed and lower-case, as registration does.
        const Run r = addUser(dir.path(), QStringLiteral("  First.Admin@Example.COM "),
                              QStringLiteral("admin"), idtest::kPassword.toUtf8());
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(kEmail));
        QVERIFY(!r.out.contains(u"listening"));
        QVERIFY(!r.out.contains(idtest::kPassword) && !r.err.contains(idtest::kPassword));
        QVERIFY(QFile::exists(dir.filePath(QStringLiteral("master.key"))));

        const Run list =
            run(QStringList{QStringLiteral("user"), QStringLiteral("list")} + common(dir.path()));
        QCOMPARE(list.exitCode, 0);
        QVERIFY(list.out.contains(kEmail));
        QVERIFY(list.out.contains(u"admin"));

        auto engine = startEngine(dir.path());
        QVERIFY(engine);
        const auto in = login(engine->port(), kEmail, idtest::kPassword);
        CR_EXPECT_STATUS(in, 200);
        QCOMPARE(in->json().value(u"user").toObject().value(u"role").toString(),
                 QStringLiteral("admin"));
        const QByteArray token = in->json().value(u"token").toString().toUtf8();
        // An admin: the admin endpoints answer, and the audit log names the command line.
        const auto logs =
            idtest::call(engine->port(), "GET", "/api/admin/logs?limit=100", nullptr, token);
        CR_EXPECT_STATUS(logs, 200);
        bool audited = false;
        for (const QJsonValue &v : logs->json().value(u"logs").toArray()) {
            const QJsonObject e = v.toObject();
            if (e.value(u"action").toString() == u"admin.user.create")
                audited = e.value(u"details").toObject().value(u"description").toString() ==
                          u"user created from the command line";
        }
        QVERIFY2(audited, logs->body.constData());
    }

    void refusals()
    {
        QTemporaryDir dir;
        QCOMPARE(addUser(dir.path(), kEmail, QStringLiteral("admin"), idtest::kPassword.toUtf8())
                     .exitCode,
                 0);

        Run r = addUser(dir.path(), kEmail.toUpper(), QStringLiteral("admin"),
                        idtest::kPassword.toUtf8());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"already exists"), qPrintable(r.err));

        r = addUser(dir.path(), QStringLiteral("weak@example.com"), QStringLiteral("admin"),
                    "Password123!");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"does not meet the requirements"), qPrintable(r.err));
        QVERIFY2(r.err.contains(u"  - password: "), qPrintable(r.err)); // the reason
        QVERIFY(!r.err.contains(u"Password123!"));

        r = addUser(dir.path(), QStringLiteral("x@example.com"), QStringLiteral("root"),
                    idtest::kPassword.toUtf8());
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"--role must be"), qPrintable(r.err));

        r = addUser(dir.path(), QStringLiteral("not an address"), QStringLiteral("admin"),
                    idtest::kPassword.toUtf8());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"email: must be a valid e-mail address"), qPrintable(r.err));

        r = addUser(dir.path(), QStringLiteral("nopass@example.com"), QStringLiteral("admin"),
                    QByteArray());
        QCOMPARE(r.exitCode, 1); // an empty line: the policy's minimum length

        r = run(QStringList{QStringLiteral("user"), QStringLiteral("add"),
                            QStringLiteral("--email"), QStringLiteral("p@example.com"),
                            QStringLiteral("--role"), QStringLiteral("admin"),
                            QStringLiteral("--password"), idtest::kPassword} +
                common(dir.path()));
        QCOMPARE(r.exitCode, 2);
        QVERIFY2(r.err.contains(u"never taken from the command line"), qPrintable(r.err));

        r = run(QStringList{QStringLiteral("user"), QStringLiteral("remove")} + common(dir.path()));
        QCOMPARE(r.exitCode, 2);

        // Only the first account exists.
        const Run list =
            run(QStringList{QStringLiteral("user"), QStringLiteral("list")} + common(dir.path()));
        QCOMPARE(list.out.count(u"@example.com"), 1);
    }

    // On a terminal (a pty from script(1)): a prompt, no echo, asked twice.
    void terminalPromptWithoutEcho()
    {
        const QString script = QStandardPaths::findExecutable(QStringLiteral("script"));
        if (script.isEmpty())
            QSKIP("script(1) (util-linux) is not installed");
        QTemporaryDir dir;
        auto runOnTerminal = [&](const QString &email, const QByteArray &second) {
            QStringList args{QStringLiteral("user"),    QStringLiteral("add"),
                             QStringLiteral("--email"), email,
                             QStringLiteral("--role"),  QStringLiteral("admin")};
            args += common(dir.path());
            QString command = QStringLiteral(CR_SERVER_BINARY);
            for (const QString &a : std::as_const(args))
                command += QLatin1Char(' ') + a;
            QProcess p;
            p.setProcessChannelMode(QProcess::MergedChannels);
            p.start(script, {QStringLiteral("-qec"), command, QStringLiteral("/dev/null")});
            Run r;
            if (!p.waitForStarted(10000))
                return r;
            QByteArray out;
            auto waitFor = [&](const QByteArray &text) {
                return QTest::qWaitFor(
                    [&] {
                        out += p.readAll();
                        return out.contains(text);
                    },
                    20000);
            };
            if (waitFor("Password for "))
                p.write(idtest::kPassword.toUtf8() + '\n');
            if (waitFor("Repeat the password: "))
                p.write(second + '\n');
            p.waitForFinished(60000);
            out += p.readAll();
            r.exitCode = p.exitCode();
            r.out = QString::fromUtf8(out);
            return r;
        };
        Run r = runOnTerminal(QStringLiteral("tty@example.com"), "Something-Else-Entirely-42");
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.out.contains(u"the two passwords differ"), qPrintable(r.out));
        QVERIFY2(!r.out.contains(idtest::kPassword), qPrintable(r.out)); // never echoed

        r = runOnTerminal(QStringLiteral("tty@example.com"), idtest::kPassword.toUtf8());
        QVERIFY2(r.exitCode == 0, qPrintable(r.out));
        QVERIFY(r.out.contains(u"created the admin account tty@example.com"));
        QVERIFY2(!r.out.contains(idtest::kPassword), qPrintable(r.out));
    }

    void missingMasterKeyAndBadDataDir()
    {
        QTemporaryDir dir;
        QCOMPARE(addUser(dir.path(), kEmail, QStringLiteral("admin"), idtest::kPassword.toUtf8())
                     .exitCode,
                 0);
        QVERIFY(QFile::remove(dir.filePath(QStringLiteral("master.key"))));
        Run r = addUser(dir.path(), QStringLiteral("second@example.com"),
                        QStringLiteral("operator"), idtest::kPassword.toUtf8());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"is missing"), qPrintable(r.err));
        QVERIFY(!QFile::exists(dir.filePath(QStringLiteral("master.key")))); // never minted

        // A data directory below a plain file cannot exist.
        QFile file(dir.filePath(QStringLiteral("plain-file")));
        QVERIFY(file.open(QIODevice::WriteOnly));
        file.close();
        r = addUser(file.fileName() + QStringLiteral("/data"), kEmail, QStringLiteral("admin"),
                    idtest::kPassword.toUtf8());
        QCOMPARE(r.exitCode, 1);
        QVERIFY2(r.err.contains(u"data directory"), qPrintable(r.err));
    }

    void rotateKeys()
    {
        QTemporaryDir dir;
        QString first;
        {
            auto engine = startEngine(dir.path());
            QVERIFY(engine);
            const auto jwks = idtest::call(engine->port(), "GET", "/.well-known/jwks.json");
            CR_EXPECT_STATUS(jwks, 200);
            QCOMPARE(jwks->json().value(u"keys").toArray().size(), 1);
            first = jwks->json().value(u"keys").toArray().at(0).toObject().value(u"kid").toString();
        }
        const Run r =
            run(QStringList{QStringLiteral("keys"), QStringLiteral("rotate")} + common(dir.path()));
        QVERIFY2(r.exitCode == 0, qPrintable(r.err));
        QVERIFY(r.out.contains(first)); // named as the previous key
        const Run list =
            run(QStringList{QStringLiteral("keys"), QStringLiteral("list")} + common(dir.path()));
        QCOMPARE(list.exitCode, 0);
        QCOMPARE(list.out.count(u"current"), 1);
        QCOMPARE(list.out.count(u"retired"), 1);

        auto engine = startEngine(dir.path());
        QVERIFY(engine);
        const auto jwks = idtest::call(engine->port(), "GET", "/.well-known/jwks.json");
        const QJsonArray keys = jwks->json().value(u"keys").toArray();
        QCOMPARE(keys.size(), 2);
        QVERIFY(keys.at(0).toObject().value(u"kid").toString() != first); // newest first
        QCOMPARE(keys.at(1).toObject().value(u"kid").toString(), first);
    }
};

QTEST_GUILESS_MAIN(TstCliCommands)
#include "tst_cli_commands.moc"
