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

    int effectiveWorkers() const;
    QString effectiveDataDir() const;
};

} // namespace cr
