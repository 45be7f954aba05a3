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
    int workers = 0; // 0: one per core
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

    // Health
    int healthIntervalMs = 5000;

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

    int effectiveWorkers() const;
    QString effectiveDataDir() const;
};

} // namespace cr
