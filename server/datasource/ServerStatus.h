#pragma once

#include <QMetaType>
#include <QString>

namespace cr {

// Where a server is in its life: the console shows it, and quits only once it is Stopped (or
// never started: Failed).
enum class ServerState
{
    Stopped,
    Starting,
    Running,
    Stopping,
    Failed
};

// A stable lower-case name for logs and tests: stopped | starting | running | stopping | failed.
const char *serverStateName(ServerState state);

// The server a DataSource talks to, as plain data: safe to copy across threads.
struct ServerStatus
{
    ServerState state = ServerState::Stopped;
    QString url;          // where it listens (Running, Stopping); empty otherwise
    QString errorMessage; // why it failed (Failed); empty otherwise

    bool isIdle() const { return state == ServerState::Stopped || state == ServerState::Failed; }
    friend bool operator==(const ServerStatus &a, const ServerStatus &b)
    {
        return a.state == b.state && a.url == b.url && a.errorMessage == b.errorMessage;
    }
    friend bool operator!=(const ServerStatus &a, const ServerStatus &b) { return !(a == b); }
};

} // namespace cr

Q_DECLARE_METATYPE(cr::ServerStatus)
