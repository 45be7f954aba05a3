#include "core/SettingsLoader.h"

#include <QCommandLineParser>
#include <QFile>
#include <QFileInfo>
#include <QJsonArray>
#include <QJsonDocument>
#include <QJsonObject>
#include <QSettings>

#include <cmath>
#include <variant>

namespace cr {

struct SettingsLoader::Spec
{
    const char *key;
    const char *help;
    std::variant<int Settings::*, qint64 Settings::*, bool Settings::*, QString Settings::*,
                 QStringList Settings::*>
        member;
    qint64 min = 0;
    qint64 max = 0;
    QStringList choices = {};
};

namespace {

using S = Settings;
constexpr qint64 kMaxInt = 2147483647;

const std::vector<SettingsLoader::Spec> &specs()
{
    static const std::vector<SettingsLoader::Spec> table = {
        {"bind", "Address to listen on.", &S::bind},
        {"port", "Port to listen on (0 picks a free port).", &S::port, 0, 65535},
        {"workers", "HTTP worker threads (0: one per core).", &S::workers, 0, 256},
        {"workerEventLoop",
         "The HTTP worker threads' event dispatcher: epoll (told only about ready sockets) or "
         "qt (Qt's own, ppoll over every socket on each pass).",
         &S::workerEventLoop,
         0,
         0,
         {QStringLiteral("epoll"), QStringLiteral("qt")}},
        {"publicHosts", "Extra host names accepted in the Host header (comma-separated).",
         &S::publicHosts},
        {"corsOrigins", "Origins allowed for CORS and WebSocket (comma-separated).",
         &S::corsOrigins},
        {"environment", "Environment name shown by /api.", &S::environment},
        {"dataDir", "Directory for the database and keys.", &S::dataDir},
        {"tlsCert", "PEM certificate file; with --tls-key enables HTTPS.", &S::tlsCert},
        {"tlsKey", "PEM private key file.", &S::tlsKey},
        {"database",
         "Database URL, e.g. postgresql://user@host:5432/db?connect_timeout=5 (password from "
         "PGPASSWORD or a pgpass file); empty: SQLite file coderunner.db in the data directory. "
         "Also CODERUNNER_DATABASE_URL.",
         &S::database},
        {"storageThreads", "Database threads, each with its own connection.", &S::storageThreads, 1,
         64},
        {"secretStore",
         "Where the master key lives (auto: the key file for now, for both executables; a "
         "database that records its store keeps it).",
         &S::secretStore,
         0,
         0,
         {QStringLiteral("auto"), QStringLiteral("keychain"), QStringLiteral("keyfile")}},
        {"keyFile", "Master key file (created 0600); empty: master.key in the data directory.",
         &S::keyFile},
        {"keychainTimeoutMs", "Longest wait for the keychain or key file to answer.",
         &S::keychainTimeoutMs, 1, kMaxInt},
        {"logFormat",
         "Log format.",
         &S::logFormat,
         0,
         0,
         {QStringLiteral("text"), QStringLiteral("json")}},
        {"logLevel",
         "Least log level written.",
         &S::logLevel,
         0,
         0,
         {QStringLiteral("debug"), QStringLiteral("info"), QStringLiteral("warning"),
          QStringLiteral("error")}},
        {"accessLog", "Write one access log line per request (true/false).", &S::accessLog},
        {"maxUriBytes", "Longest request target (414 beyond).", &S::maxUriBytes, 16, 1 << 20},
        {"maxHeaderBytes", "Most header bytes per request (431 beyond).", &S::maxHeaderBytes, 256,
         1 << 22},
        {"maxHeaderCount", "Most header lines per request (431 beyond).", &S::maxHeaderCount, 1,
         10000},
        {"maxBodyBytes", "Largest request body (413 beyond) unless a route says otherwise.",
         &S::maxBodyBytes, 0, qint64(1) << 34},
        {"headerTimeoutMs", "Time allowed to send a request's headers (408 beyond).",
         &S::headerTimeoutMs, 1, kMaxInt},
        {"idleTimeoutMs", "Idle keep-alive time before a connection is closed.", &S::idleTimeoutMs,
         1, kMaxInt},
        {"tlsHandshakeTimeoutMs", "Time allowed for a TLS handshake.", &S::tlsHandshakeTimeoutMs, 1,
         kMaxInt},
        {"maxConnections", "Most open connections; further ones are answered 503.",
         &S::maxConnections, 1, 1000000},
        {"refuseOverLimit", "Close connections over the limit without answering 503.",
         &S::refuseOverLimit},
        {"shutdownTimeoutMs", "Time in-flight requests get to finish on shutdown.",
         &S::shutdownTimeoutMs, 0, kMaxInt},
        {"sweepIntervalMs", "How often connection deadlines are checked.", &S::sweepIntervalMs, 1,
         60000},
        {"envelopeTopLevelCopy", "Copy success data keys to the top level (v2 clients).",
         &S::envelopeTopLevelCopy},
        {"hstsMaxAgeSeconds", "max-age of Strict-Transport-Security.", &S::hstsMaxAgeSeconds, 0,
         kMaxInt},
        {"wsMaxMessageBytes", "Largest incoming WebSocket message or frame.", &S::wsMaxMessageBytes,
         125, 16 << 20},
        {"wsAuthTimeoutMs", "Time a WebSocket has to authenticate before it is closed (4001).",
         &S::wsAuthTimeoutMs, 1, kMaxInt},
        {"wsSendQueueBytes", "Unsent bytes a WebSocket client may hold before it is dropped.",
         &S::wsSendQueueBytes, 1024, 1 << 30},
        {"metrics",
         "Record request metrics for /metrics and the live telemetry (off only to measure what "
         "recording costs).",
         &S::metrics},
        {"metricsToken",
         "Bearer token that lets a scraper read /metrics (compared in constant time; empty: "
         "none). Also CODERUNNER_METRICS_TOKEN.",
         &S::metricsToken},
        {"metricsAllowFrom",
         "Client addresses (CIDRs, comma-separated) that may read /metrics without a token; "
         "\"loopback\" means 127.0.0.0/8 and ::1, and only while no trusted proxy is configured; "
         "\"none\" allows no address.",
         &S::metricsAllowFrom},
        {"telemetryIntervalMs",
         "Period of the live telemetry snapshot (WebSocket metrics channel).",
         &S::telemetryIntervalMs, 100, 60000},
        {"eventLoopProbeMs", "Period of each worker's event-loop lag probe (0: off).",
         &S::eventLoopProbeMs, 0, 60000},
        {"healthIntervalMs", "How often background health checks run.", &S::healthIntervalMs, 10,
         kMaxInt},
        {"healthDatabaseDegradedMs",
         "A database round trip slower than this makes the database check degraded (0: never).",
         &S::healthDatabaseDegradedMs, 0, kMaxInt},
        {"healthDiskDegradedMib", "Free space in the data directory below which disk is degraded.",
         &S::healthDiskDegradedMib, 0, kMaxInt},
        {"healthDiskUnhealthyMib",
         "Free space in the data directory below which disk is unhealthy.",
         &S::healthDiskUnhealthyMib, 0, kMaxInt},
        {"healthMemoryDegradedPercent",
         "Resident memory, in percent of RAM (or the cgroup limit), above which memory is "
         "degraded (0: never).",
         &S::healthMemoryDegradedPercent, 0, 100},
        {"healthMemoryUnhealthyPercent",
         "Resident memory percentage above which memory is unhealthy (0: never).",
         &S::healthMemoryUnhealthyPercent, 0, 100},
        {"healthCpuDegradedPercent",
         "Process CPU, in percent of all cores over a check interval, above which cpu is "
         "degraded (0: never).",
         &S::healthCpuDegradedPercent, 0, 100},
        {"healthCpuUnhealthyPercent",
         "Process CPU percentage above which cpu is unhealthy (0: never, the default).",
         &S::healthCpuUnhealthyPercent, 0, 100},
        {"healthEventLoopDegradedMs",
         "Background thread event-loop lag above which the check is degraded (0: never).",
         &S::healthEventLoopDegradedMs, 0, kMaxInt},
        {"healthEventLoopUnhealthyMs",
         "Background thread event-loop lag above which the check is unhealthy (0: never).",
         &S::healthEventLoopUnhealthyMs, 0, kMaxInt},
        {"breakerFailureThreshold",
         "Consecutive failures of a dependency (database) that open its circuit breaker.",
         &S::breakerFailureThreshold, 1, 1000},
        {"breakerCoolDownMs",
         "How long an open circuit breaker refuses calls (503 with Retry-After) before it lets "
         "a probe through.",
         &S::breakerCoolDownMs, 1, 3600 * 1000},
        {"breakerHalfOpenProbes",
         "Probes let through at a time by a half-open breaker; as many successes close it.",
         &S::breakerHalfOpenProbes, 1, 100},
        {"alertRulesFile",
         "JSON file of alert rules that replace or extend the defaults (docs/OBSERVABILITY.md).",
         &S::alertRulesFile},
        {"alertForSeconds", "How long a condition must hold before its alert fires.",
         &S::alertForSeconds, 0, 86400},
        {"alertResolveSeconds", "How long a condition must be gone before its alert resolves.",
         &S::alertResolveSeconds, 0, 86400},
        {"alertLatencyP95Ms", "Alert when the p95 request latency exceeds this.",
         &S::alertLatencyP95Ms, 1, kMaxInt},
        {"alertErrorRatePercent", "Alert when the share of 5xx responses exceeds this.",
         &S::alertErrorRatePercent, 0, 100},
        {"alertFailedLoginsPerMinute", "Alert when failed logins per minute exceed this.",
         &S::alertFailedLoginsPerMinute, 0, kMaxInt},
        {"alertMemoryPercent", "Alert when resident memory exceeds this percentage of RAM.",
         &S::alertMemoryPercent, 1, 100},
        {"alertCpuPercent", "Alert when process CPU exceeds this percentage of all cores.",
         &S::alertCpuPercent, 1, 100},
        {"alertHistorySize", "Resolved alerts kept in memory for GET /api/admin/alerts.",
         &S::alertHistorySize, 0, 100000},
        {"allowRegistration", "Allow self-registration (creates developer accounts).",
         &S::allowRegistration},
        {"accessTokenTtlSeconds", "Lifetime of an access token.", &S::accessTokenTtlSeconds, 60,
         86400},
        {"refreshGraceSeconds",
         "A rotated refresh token used again within this time is refused without revoking its "
         "session (a retry, a second tab); later reuse revokes the whole session.",
         &S::refreshGraceSeconds, 0, 3600},
        {"sessionLifetimeDays", "Longest life of a session (refresh token family) from login.",
         &S::sessionLifetimeDays, 1, 365},
        {"passwordMinLength", "Shortest password accepted, in characters.", &S::passwordMinLength,
         8, 64},
        {"passwordHashMemoryMib", "Argon2id memory per password hash, in MiB.",
         &S::passwordHashMemoryMib, 8, 4096},
        {"passwordHashThreads", "Threads that hash and verify passwords.", &S::passwordHashThreads,
         1, 16},
        {"passwordHashIdlePriority",
         "Hash passwords at idle priority, so hashing never takes CPU from request handling.",
         &S::passwordHashIdlePriority},
        {"rateLimitProfile",
         "Rate-limit profile: default (protective), loadtest (request limits off, login "
         "protection kept) or off.",
         &S::rateLimitProfile,
         0,
         0,
         {QStringLiteral("default"), QStringLiteral("loadtest"), QStringLiteral("off")}},
        {"rateLimits",
         "Policy overrides, comma-separated POLICY=LIMIT/WINDOW_SECONDS or POLICY=off (policies: "
         "anon, user, login, login-ip, login-account, register, expensive, offence).",
         &S::rateLimits},
        {"trustedProxies", "Proxies (CIDRs) whose X-Forwarded-For names the client.",
         &S::trustedProxies},
        {"rateLimitAllow", "CIDRs exempt from the request rate limits (comma-separated).",
         &S::rateLimitAllow},
        {"rateLimitDeny", "CIDRs refused with 403 (comma-separated).", &S::rateLimitDeny},
        {"autoBanSeconds", "How long a client over the offence policy is banned (0: never).",
         &S::autoBanSeconds, 0, 30 * 86400},
        {"rateLimitMemoryBytes", "Memory cap of the rate limiter's per-key state.",
         &S::rateLimitMemoryBytes, 64 * 1024, qint64(1) << 34},
        {"loginDelayMaxMs", "Longest delay the per-account login policy adds to an attempt.",
         &S::loginDelayMaxMs, 0, 60000},
        {"jsonMaxDepth", "Deepest nesting of a JSON request body.", &S::jsonMaxDepth, 1, 512},
        {"jsonMaxKeys", "Most members and elements in a JSON request body.", &S::jsonMaxKeys, 1,
         1000000},
        {"jsonMaxStringBytes", "Longest string in a JSON request body.", &S::jsonMaxStringBytes, 1,
         1 << 30},
        {"adminEmail",
         "The account with this e-mail address is made admin at start while no admin exists.",
         &S::adminEmail},
        {"signingKeyReloadMs",
         "How often a running server reloads the token signing keys from the database (picks up "
         "`coderunner-server keys rotate`).",
         &S::signingKeyReloadMs, 100, 3600 * 1000},
        {"profileCacheMs",
         "How long an account row read from the database answers GET /api/auth/profile (what "
         "another instance's change may take to show; local changes show at once). 0: no cache.",
         &S::profileCacheMs, 0, 3600 * 1000},
    };
    return table;
}

QStringList splitList(const QString &value)
{
    QStringList out;
    const QStringList parts = value.split(QLatin1Char(','), Qt::SkipEmptyParts);
    for (const QString &p : parts) {
        const QString t = p.trimmed();
        if (!t.isEmpty())
            out << t;
    }
    return out;
}

Error invalid(const QString &key, const QString &source, const QString &why)
{
    return Error::make(ErrorCode::ValidationError,
                       QStringLiteral("setting '%1' from %2: %3").arg(key, source, why));
}

} // namespace

SettingsLoader::SettingsLoader() = default;

QString SettingsLoader::flagName(const QString &key)
{
    QString out;
    for (const QChar c : key) {
        if (c.isUpper()) {
            out += QLatin1Char('-');
            out += c.toLower();
        } else {
            out += c;
        }
    }
    return out;
}

QString SettingsLoader::envName(const QString &key)
{
    return QStringLiteral("CODERUNNER_") +
           flagName(key).toUpper().replace(QLatin1Char('-'), QLatin1Char('_'));
}

QStringList SettingsLoader::keys() const
{
    QStringList out;
    for (const Spec &s : specs())
        out << QString::fromLatin1(s.key);
    return out;
}

const SettingsLoader::Spec *SettingsLoader::find(const QString &key) const
{
    for (const Spec &s : specs()) {
        if (key == QLatin1String(s.key))
            return &s;
    }
    return nullptr;
}

void SettingsLoader::addOptions(QCommandLineParser &parser) const
{
    parser.addOption({QStringLiteral("config"),
                      QStringLiteral("Configuration file (JSON or INI). Also CODERUNNER_CONFIG."),
                      QStringLiteral("file")});
    const Settings defaults;
    for (const Spec &s : specs()) {
        const QString key = QString::fromLatin1(s.key);
        QString help = QString::fromUtf8(s.help);
        if (!s.choices.isEmpty())
            help += QStringLiteral(" One of: ") + s.choices.join(QStringLiteral(", ")) + u'.';
        help += QStringLiteral(" Env: ") + envName(key) + u'.';
        parser.addOption({flagName(key), help, QStringLiteral("value")});
    }
}

Status SettingsLoader::apply(Settings &settings, const QString &key, const QString &value,
                             const QString &source) const
{
    const Spec *spec = find(key);
    if (!spec)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("unknown setting '%1' in %2").arg(key, source));
    return std::visit(
        [&](auto member) -> Status {
            using T = std::decay_t<decltype(settings.*member)>;
            if constexpr (std::is_same_v<T, int> || std::is_same_v<T, qint64>) {
                bool ok = false;
                const qint64 v = value.trimmed().toLongLong(&ok);
                if (!ok)
                    return invalid(key, source, QStringLiteral("not a whole number"));
                if (v < spec->min || v > spec->max)
                    return invalid(
                        key, source,
                        QStringLiteral("must be between %1 and %2").arg(spec->min).arg(spec->max));
                settings.*member = static_cast<T>(v);
            } else if constexpr (std::is_same_v<T, bool>) {
                const QString v = value.trimmed().toLower();
                if (v == u"true" || v == u"1" || v == u"yes" || v == u"on")
                    settings.*member = true;
                else if (v == u"false" || v == u"0" || v == u"no" || v == u"off")
                    settings.*member = false;
                else
                    return invalid(key, source, QStringLiteral("expected true or false"));
            } else if constexpr (std::is_same_v<T, QString>) {
                if (!spec->choices.isEmpty() && !spec->choices.contains(value))
                    return invalid(key, source,
                                   QStringLiteral("expected one of ") +
                                       spec->choices.join(QStringLiteral(", ")));
                settings.*member = value;
            } else {
                settings.*member = splitList(value);
            }
            return {};
        },
        spec->member);
}

Result<Settings> SettingsLoader::loadFile(const QString &path, Settings base) const
{
    QFile file(path);
    if (!file.open(QIODevice::ReadOnly))
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("cannot read configuration file %1").arg(path));
    const QString source = QStringLiteral("file ") + QFileInfo(path).fileName();
    const QByteArray bytes = file.readAll();
    if (path.endsWith(QLatin1String(".json"), Qt::CaseInsensitive)) {
        QJsonParseError parseError;
        const QJsonDocument doc = QJsonDocument::fromJson(bytes, &parseError);
        if (!doc.isObject())
            return Error::make(ErrorCode::ValidationError,
                               QStringLiteral("%1 is not a JSON object (offset %2)")
                                   .arg(path)
                                   .arg(parseError.offset));
        const QJsonObject obj = doc.object();
        for (auto it = obj.begin(); it != obj.end(); ++it) {
            QString text;
            const QJsonValue v = it.value();
            if (v.isArray()) {
                // Only list settings take arrays, and only of strings: anything else would be
                // silently turned into "" or a joined scalar.
                const Spec *spec = find(it.key());
                if (spec && !std::holds_alternative<QStringList Settings::*>(spec->member))
                    return invalid(it.key(), source, QStringLiteral("expected a single value"));
                QStringList items;
                const QJsonArray arr = v.toArray();
                for (const QJsonValue &item : arr) {
                    if (!item.isString())
                        return invalid(it.key(), source,
                                       QStringLiteral("list items must be strings"));
                    items << item.toString();
                }
                text = items.join(u',');
            } else if (v.isBool()) {
                text = v.toBool() ? QStringLiteral("true") : QStringLiteral("false");
            } else if (v.isDouble()) {
                // toInteger() turns 80.5 into 0, which is a valid port: refuse fractions.
                const double d = v.toDouble();
                if (!std::isfinite(d) || std::trunc(d) != d || std::fabs(d) > 9.0e15)
                    return invalid(it.key(), source, QStringLiteral("not a whole number"));
                text = QString::number(qint64(d));
            } else if (v.isString()) {
                text = v.toString();
            } else {
                return invalid(it.key(), source, QStringLiteral("unsupported value type"));
            }
            if (Status st = apply(base, it.key(), text, source); !st)
                return st.error();
        }
        return base;
    }
    QSettings ini(path, QSettings::IniFormat);
    if (ini.status() != QSettings::NoError)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("%1 is not a valid INI file").arg(path));
    const QStringList iniKeys = ini.allKeys();
    for (const QString &k : iniKeys) {
        const QVariant v = ini.value(k);
        const QString text =
            v.typeId() == QMetaType::QStringList ? v.toStringList().join(u',') : v.toString();
        const QString key = k.startsWith(QLatin1String("General/")) ? k.mid(8) : k;
        if (Status st = apply(base, key, text, source); !st)
            return st.error();
    }
    return base;
}

Result<Settings> SettingsLoader::load(const QCommandLineParser &parser,
                                      const QProcessEnvironment &env) const
{
    Settings settings;
    QString configPath = env.value(QStringLiteral("CODERUNNER_CONFIG"));
    if (parser.isSet(QStringLiteral("config")))
        configPath = parser.value(QStringLiteral("config"));
    if (!configPath.isEmpty()) {
        Result<Settings> fromFile = loadFile(configPath, settings);
        if (!fromFile)
            return fromFile.error();
        settings = fromFile.value();
    }
    for (const Spec &s : specs()) {
        const QString key = QString::fromLatin1(s.key);
        const QString var = envName(key);
        if (env.contains(var)) {
            if (Status st = apply(settings, key, env.value(var), QStringLiteral("environment"));
                !st)
                return st.error();
        }
    }
    for (const Spec &s : specs()) {
        const QString key = QString::fromLatin1(s.key);
        if (parser.isSet(flagName(key))) {
            if (Status st = apply(settings, key, parser.value(flagName(key)),
                                  QStringLiteral("command line"));
                !st)
                return st.error();
        }
    }
    if (settings.tlsCert.isEmpty() != settings.tlsKey.isEmpty())
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("TLS needs both --tls-cert and --tls-key"));
    return settings;
}

Result<Settings> SettingsLoader::loadFromArguments(const QStringList &arguments,
                                                   const QProcessEnvironment &env) const
{
    QCommandLineParser parser;
    addOptions(parser);
    if (!parser.parse(arguments))
        return Error::make(ErrorCode::ValidationError, parser.errorText());
    return load(parser, env);
}

} // namespace cr
