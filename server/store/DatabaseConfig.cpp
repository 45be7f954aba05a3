#include "store/DatabaseConfig.h"

#include <QRegularExpression>
#include <QUrl>
#include <QUrlQuery>

namespace cr {
namespace {

const QString kMask = QStringLiteral("***");

Error bad(const QString &why)
{
    return Error::make(ErrorCode::ValidationError, QStringLiteral("database URL: ") + why);
}

// libpq keywords a URL may carry besides the ones handled explicitly.
const QStringList &passThroughKeys()
{
    static const QStringList keys = {
        QStringLiteral("application_name"),
        QStringLiteral("sslmode"),
        QStringLiteral("sslrootcert"),
        QStringLiteral("sslcert"),
        QStringLiteral("sslkey"),
        QStringLiteral("sslcrl"),
        QStringLiteral("passfile"),
        QStringLiteral("target_session_attrs"),
        QStringLiteral("keepalives"),
        QStringLiteral("keepalives_idle"),
        QStringLiteral("keepalives_interval"),
        QStringLiteral("keepalives_count"),
        QStringLiteral("tcp_user_timeout"),
    };
    return keys;
}

// A whole number in [min, max], or an error naming the parameter.
Result<int> intParam(const QString &key, const QString &value, int min, int max)
{
    bool ok = false;
    const int v = value.toInt(&ok);
    if (!ok || v < min || v > max)
        return bad(QStringLiteral("parameter '%1' must be a whole number between %2 and %3")
                       .arg(key)
                       .arg(min)
                       .arg(max));
    return v;
}

// A value for a libpq conninfo string: single-quoted, \ and ' escaped. Qt turns ';' in the
// options into spaces, so a value may not hold one (nor control characters).
Result<QString> quoted(const QString &key, const QString &value)
{
    for (const QChar c : value) {
        if (c == u';' || c.category() == QChar::Other_Control)
            return bad(
                QStringLiteral("parameter '%1' holds a character that is not allowed").arg(key));
    }
    QString v = value;
    v.replace(u'\\', QStringLiteral("\\\\")).replace(u'\'', QStringLiteral("\\'"));
    return QString(u'\'' + v + u'\'');
}

QString schemeOf(const QString &url)
{
    static const QRegularExpression re(QStringLiteral("^([A-Za-z][A-Za-z0-9+.-]{0,30}):"));
    const QRegularExpressionMatch m = re.match(url);
    return m.hasMatch() ? m.captured(1).toLower() : QString();
}

} // namespace

Result<DatabaseConfig> DatabaseConfig::fromUrl(const QString &url)
{
    const QString text = url.trimmed();
    if (text.isEmpty())
        return bad(QStringLiteral("empty"));
    const QString scheme = schemeOf(text);
    if (scheme.isEmpty())
        return bad(QStringLiteral("no scheme: expected postgresql://user@host:port/database or "
                                  "sqlite:/path/to/file.db"));
    if (scheme == u"postgresql" || scheme == u"postgres")
        return parsePostgres(text);
    if (scheme == u"sqlite")
        return parseSqlite(text);
    return bad(
        QStringLiteral("unsupported scheme '%1': expected postgresql:// or sqlite:").arg(scheme));
}

DatabaseConfig DatabaseConfig::sqliteFile(const QString &path)
{
    DatabaseConfig c;
    c.m_backend = Backend::Sqlite;
    c.m_path = path;
    return c;
}

Result<DatabaseConfig> DatabaseConfig::fromSettings(const Settings &settings,
                                                    const QProcessEnvironment &env)
{
    QString url = settings.database.trimmed();
    if (url.isEmpty())
        url = env.value(QStringLiteral("CODERUNNER_DATABASE_URL")).trimmed();
    if (url.isEmpty())
        return sqliteFile(settings.effectiveDataDir() + QStringLiteral("/coderunner.db"));
    Result<DatabaseConfig> parsed = fromUrl(url);
    if (parsed && parsed.value().m_backend == Backend::Postgres) {
        const QString envPassword = env.value(QStringLiteral("PGPASSWORD"));
        if (!envPassword.isEmpty())
            parsed.value().m_secrets << envPassword;
    }
    return parsed;
}

Result<DatabaseConfig> DatabaseConfig::parseSqlite(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    if (!url.isValid())
        return bad(QStringLiteral("not a valid sqlite: URL (expected sqlite:/path/to/file.db)"));
    if (!url.host().isEmpty() || !url.userInfo().isEmpty())
        return bad(QStringLiteral("a sqlite: URL names a file, not a host (sqlite:/path/to/file.db "
                                  "or sqlite:///path/to/file.db)"));
    DatabaseConfig c;
    c.m_backend = Backend::Sqlite;
    c.m_path = url.path(QUrl::FullyDecoded);
    if (c.m_path.isEmpty())
        return bad(QStringLiteral("a sqlite: URL needs a file path"));
    const QList<QPair<QString, QString>> items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &item : items) {
        if (item.first == u"busy_timeout") {
            Result<int> v = intParam(item.first, item.second, 0, 3600000);
            if (!v)
                return v.error();
            c.m_busyTimeoutMs = v.value();
        } else {
            return bad(QStringLiteral("unknown parameter '%1' for sqlite (known: busy_timeout)")
                           .arg(item.first));
        }
    }
    return c;
}

Result<DatabaseConfig> DatabaseConfig::parsePostgres(const QString &text)
{
    const QUrl url(text, QUrl::StrictMode);
    // QUrl::errorString() quotes the whole URL, password included: say what to check instead.
    if (!url.isValid())
        return bad(QStringLiteral("not a valid postgresql:// URL (check the host, the port and "
                                  "that special characters are percent-encoded)"));
    DatabaseConfig c;
    c.m_backend = Backend::Postgres;
    c.m_user = url.userName(QUrl::FullyDecoded);
    c.m_password = url.password(QUrl::FullyDecoded);
    if (!c.m_password.isEmpty())
        c.m_secrets << c.m_password << url.password(QUrl::FullyEncoded);
    // libpq reads PGPASSWORD itself; its value is scrubbed from log text all the same.
    const QString envPassword = qEnvironmentVariable("PGPASSWORD");
    if (!envPassword.isEmpty())
        c.m_secrets << envPassword;
    c.m_host = url.host(QUrl::FullyDecoded);
    c.m_port = url.port(-1);
    if (c.m_port == 0)
        return bad(QStringLiteral("port 0 is not a valid port"));
    QString path = url.path(QUrl::FullyDecoded);
    if (path.startsWith(u'/'))
        path.remove(0, 1);
    if (path.isEmpty() || path.contains(u'/'))
        return bad(QStringLiteral("name the database: postgresql://user@host:port/DATABASE"));
    c.m_database = path;

    const QList<QPair<QString, QString>> items = QUrlQuery(url).queryItems(QUrl::FullyDecoded);
    for (const auto &item : items) {
        const QString &key = item.first;
        if (key == u"connect_timeout") {
            Result<int> v = intParam(key, item.second, 1, 3600);
            if (!v)
                return v.error();
            c.m_connectTimeoutS = v.value();
        } else if (key == u"statement_timeout") {
            Result<int> v = intParam(key, item.second, 0, 86400000);
            if (!v)
                return v.error();
            c.m_statementTimeoutMs = v.value();
        } else if (key == u"host") {
            c.m_host = item.second; // e.g. a Unix socket directory
        } else if (key == u"port") {
            Result<int> v = intParam(key, item.second, 1, 65535);
            if (!v)
                return v.error();
            c.m_port = v.value();
        } else if (key == u"user") {
            c.m_user = item.second;
        } else if (key == u"dbname") {
            c.m_database = item.second;
        } else if (key == u"password") {
            c.m_password = item.second;
            c.m_secrets << item.second;
        } else if (passThroughKeys().contains(key)) {
            Result<QString> q = quoted(key, item.second);
            if (!q)
                return q.error();
            c.m_options.append({key, item.second});
        } else {
            return bad(QStringLiteral("unknown parameter '%1' (known: connect_timeout, "
                                      "statement_timeout, host, port, user, dbname, %2)")
                           .arg(key, passThroughKeys().join(QStringLiteral(", "))));
        }
    }
    if (c.m_host.contains(u';') || c.m_user.contains(u';') || c.m_database.contains(u';'))
        return bad(QStringLiteral("host, user and database name may not contain ';'"));
    return c;
}

QString DatabaseConfig::backendName() const
{
    return m_backend == Backend::Postgres ? QStringLiteral("postgresql") : QStringLiteral("sqlite");
}

QString DatabaseConfig::driverName() const
{
    return m_backend == Backend::Postgres ? QStringLiteral("QPSQL") : QStringLiteral("QSQLITE");
}

QString DatabaseConfig::connectOptions() const
{
    if (m_backend == Backend::Sqlite)
        return QStringLiteral("QSQLITE_BUSY_TIMEOUT=%1").arg(m_busyTimeoutMs);
    QStringList parts;
    parts << QStringLiteral("connect_timeout=%1").arg(m_connectTimeoutS);
    parts << QStringLiteral("options='-c statement_timeout=%1'").arg(m_statementTimeoutMs);
    bool named = false;
    for (const auto &option : m_options) {
        named = named || option.first == u"application_name";
        parts << option.first + u'=' + quoted(option.first, option.second).value();
    }
    if (!named)
        parts << QStringLiteral("application_name=coderunner");
    return parts.join(u';');
}

DatabaseConfig DatabaseConfig::withDatabaseName(const QString &nameOrPath) const
{
    DatabaseConfig c = *this;
    if (m_backend == Backend::Postgres)
        c.m_database = nameOrPath;
    else
        c.m_path = nameOrPath;
    return c;
}

QString DatabaseConfig::redacted() const
{
    if (m_backend == Backend::Sqlite) {
        QString out = QStringLiteral("sqlite:") + m_path;
        if (m_busyTimeoutMs != kDefaultBusyTimeoutMs)
            out += QStringLiteral("?busy_timeout=%1").arg(m_busyTimeoutMs);
        return out;
    }
    QUrl url;
    url.setScheme(QStringLiteral("postgresql"));
    url.setUserName(m_user);
    if (!m_password.isEmpty())
        url.setPassword(kMask);
    const bool socketDir = m_host.startsWith(u'/');
    if (!socketDir)
        url.setHost(m_host);
    url.setPort(m_port);
    url.setPath(QStringLiteral("/") + m_database);
    QUrlQuery query;
    if (socketDir)
        query.addQueryItem(QStringLiteral("host"), m_host);
    query.addQueryItem(QStringLiteral("connect_timeout"), QString::number(m_connectTimeoutS));
    query.addQueryItem(QStringLiteral("statement_timeout"), QString::number(m_statementTimeoutMs));
    for (const auto &option : m_options)
        query.addQueryItem(option.first, option.second);
    url.setQuery(query);
    return redact(url.toString());
}

QString DatabaseConfig::redact(QString text) const
{
    for (const QString &secret : m_secrets) {
        if (!secret.isEmpty())
            text.replace(secret, kMask);
    }
    return text;
}

} // namespace cr
