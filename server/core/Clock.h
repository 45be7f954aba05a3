#pragma once

#include <QDateTime>
#include <QTimeZone>
#include <QtGlobal>

#include <atomic>

namespace cr {

// The one source of time. Every timeout, window, tick and lifetime reads a Clock, so tests can
// inject a ManualClock and run in milliseconds without sleeping.
class Clock
{
public:
    virtual ~Clock() = default;
    // Monotonic milliseconds since an arbitrary epoch: for deadlines and durations.
    virtual qint64 monotonicMs() const = 0;
    // Wall-clock milliseconds since the Unix epoch (UTC): for timestamps shown to people.
    virtual qint64 wallMs() const = 0;
    // Monotonic nanoseconds on the same epoch as monotonicMs(): for short durations (request
    // latency). Clocks without finer resolution report whole milliseconds.
    virtual qint64 monotonicNs() const { return monotonicMs() * 1000000; }

    QDateTime utcNow() const { return QDateTime::fromMSecsSinceEpoch(wallMs(), Qt::UTC); }
};

class SystemClock final : public Clock
{
public:
    qint64 monotonicMs() const override;
    qint64 wallMs() const override;
    qint64 monotonicNs() const override;
};

// A clock that moves only when told to. Thread-safe.
class ManualClock final : public Clock
{
public:
    explicit ManualClock(qint64 wallStartMs = 1767225600000 /* 2026-01-01T00:00:00Z */)
        : m_wallStart(wallStartMs)
    {}
    qint64 monotonicMs() const override { return m_now.load(); }
    qint64 wallMs() const override { return m_wallStart + m_now.load(); }
    void advance(qint64 ms) { m_now.fetch_add(ms); }

private:
    qint64 m_wallStart;
    std::atomic<qint64> m_now{1000};
};

} // namespace cr
