#pragma once

#include <QString>
#include <QStringList>
#include <QtGlobal>

namespace cr {

// Every run-time setting, with its default. Filled by SettingsLoader from
// defaults < config file < environment (CODERUNNER_*) < command line.
struct Settings
{
    // Listening
    QString bind = QStringLiteral("127.0.0.1");
    int port = 8080;
    int workers = 0;                                   // 0: one per core
    QString workerEventLoop = QStringLiteral("epoll"); // epoll | qt (the workers' dispatcher)
    QStringList publicHosts;
    QStringList corsOrigins;
    QString environment = QStringLiteral("production");

    // Files
    QString dataDir; // empty: the user's data directory
    QString tlsCert;
    QString tlsKey;

    // Storage
    QString database; // empty: SQLite file coderunner.db in the data directory
    int storageThreads = 2;

    // Master key (docs/SECRETS.md). secretStore auto: the executable decides (the console the
    // keychain, coderunner-server the key file); a database that records its store keeps it.
    QString secretStore = QStringLiteral("auto"); // auto | keychain | keyfile
    QString keyFile;                              // empty: master.key in the data directory
    int keychainTimeoutMs = 5000;                 // bound on every secret-store operation

    // Logging
    QString logFormat = QStringLiteral("text"); // text | json
    QString logLevel = QStringLiteral("info");  // debug | info | warning | error
    bool accessLog = true;

    // HTTP limits and timeouts
    int maxUriBytes = 8192;
    int maxHeaderBytes = 16384;
    int maxHeaderCount = 100;
    qint64 maxBodyBytes = 1024 * 1024;
    int headerTimeoutMs = 10000;
    int idleTimeoutMs = 60000;
    int tlsHandshakeTimeoutMs = 10000;
    int maxConnections = 10000;
    bool refuseOverLimit = false; // false: answer 503; true: close without a response
    int shutdownTimeoutMs = 10000;
    int sweepIntervalMs = 250; // how often deadlines are checked against the clock

    // Responses
    bool envelopeTopLevelCopy = true;
    int hstsMaxAgeSeconds = 31536000;

    // WebSocket
    int wsMaxMessageBytes = 64 * 1024;
    int wsAuthTimeoutMs = 30000;
    int wsSendQueueBytes = 1024 * 1024;

    // Metrics and live telemetry (docs/OBSERVABILITY.md)
    bool metrics = true;  // record request metrics; off only to measure what recording costs
    QString metricsToken; // bearer token a scraper may present on /metrics (empty: none)
    // CIDRs that may read /metrics without a token ("loopback": only without trusted proxies)
    QStringList metricsAllowFrom = {QStringLiteral("loopback")};
    int telemetryIntervalMs = 1000; // live snapshot period
    int eventLoopProbeMs = 500;     // event-loop lag probe period per worker (0: off)

    // Health (docs/OBSERVABILITY.md): degraded / unhealthy thresholds; 0 turns a level off
    int healthIntervalMs = 5000;
    int healthDatabaseDegradedMs = 250; // database round trip slower than this: degraded
    int healthDiskDegradedMib = 1024;   // free space in the data directory below this
    int healthDiskUnhealthyMib = 100;
    int healthMemoryDegradedPercent = 90; // resident memory of total RAM (or cgroup limit)
    int healthMemoryUnhealthyPercent = 95;
    int healthCpuDegradedPercent = 85;   // process CPU of all cores, over the interval
    int healthCpuUnhealthyPercent = 0;   // busy is not broken: off by default
    int healthEventLoopDegradedMs = 250; // background thread event-loop lag
    int healthEventLoopUnhealthyMs = 2000;

    // Circuit breakers (the database; later the sandbox)
    int breakerFailureThreshold = 5; // consecutive failures that open a breaker
    int breakerCoolDownMs = 30000;   // open this long, then one probe is let through
    int breakerHalfOpenProbes = 1;   // probes at a time while half-open; successes to close

    // Alerts (docs/OBSERVABILITY.md): the default rules' thresholds, and a file of rules
    QString alertRulesFile;       // JSON; empty: the default rules only
    int alertForSeconds = 60;     // a condition must hold this long before an alert fires
    int alertResolveSeconds = 60; // and be gone this long before it resolves
    int alertLatencyP95Ms = 500;
    int alertErrorRatePercent = 2;
    int alertFailedLoginsPerMinute = 10;
    int alertMemoryPercent = 90;
    int alertCpuPercent = 85;
    int alertHistorySize = 200; // resolved alerts kept for GET /api/admin/alerts

    // Identity (docs/AUTH.md, CONTRACT §3)
    bool allowRegistration = true;   // self-registration (creates developers)
    int accessTokenTtlSeconds = 900; // access token lifetime
    int refreshGraceSeconds = 10;    // a rotated refresh token reused within this is only a 401
    int sessionLifetimeDays = 30;    // a session family lives at most this long from login
    int passwordMinLength = 12;
    int passwordHashMemoryMib = 46; // Argon2id memory per hash (docs/AUTH.md)
    int passwordHashThreads = 2;
    bool passwordHashIdlePriority = true; // hashing never takes CPU from request handling
    QString adminEmail;                   // made admin at start while no admin exists

    // Traffic protection (docs/RATE_LIMITING.md)
    QString rateLimitProfile = QStringLiteral("default"); // default | loadtest | off
    QStringList rateLimits;     // overrides: "anon=20/10", "user=off", ...
    QStringList trustedProxies; // peers whose X-Forwarded-For is believed (CIDRs)
    QStringList rateLimitAllow; // CIDRs exempt from the request policies
    QStringList rateLimitDeny;  // CIDRs refused outright (403)
    int autoBanSeconds = 600;   // ban length for a client over the "offence" policy (0: never)
    qint64 rateLimitMemoryBytes = 16 * 1024 * 1024; // the limiter's accounted memory cap
    int loginDelayMaxMs = 5000;           // longest delay the per-account login policy adds
    int jsonMaxDepth = 32;                // request bodies: nesting depth
    int jsonMaxKeys = 1000;               // members and elements in all
    int jsonMaxStringBytes = 1024 * 1024; // longest string
    int signingKeyReloadMs = 30000;       // how often the signing keys are reloaded from the DB
    int profileCacheMs = 2000;            // how long a read account row answers profile reads

    int effectiveWorkers() const;
    QString effectiveDataDir() const;
};

} // namespace cr
