#pragma once

#include "exec/SandboxCapabilities.h"

#include <QJsonObject>
#include <QMutex>

#include <memory>

class QThread;

namespace cr {

// Runs SandboxCapabilities::detect() once, on a short-lived thread of its own (cr-sandbox-probe)
// started by start(), and keeps the answer. json() never waits: before the answer it is
// {"detected":false}. Thread-safe. The destructor waits for a detection still running (it is
// bounded: bwrap --version gets 3 s).
class SandboxProbe
{
public:
    SandboxProbe() = default;
    ~SandboxProbe();
    SandboxProbe(const SandboxProbe &) = delete;
    SandboxProbe &operator=(const SandboxProbe &) = delete;

    void start();
    QJsonObject json() const;
    bool isDone() const;

private:
    mutable QMutex m_mutex;
    QJsonObject m_json{{QStringLiteral("detected"), false}};
    bool m_done = false;
    std::unique_ptr<QThread> m_thread;
};

} // namespace cr
