#pragma once

#include "telemetry/MetricsTotals.h"
#include "telemetry/TelemetryHistory.h"
#include "telemetry/TelemetryWindow.h"

#include <QJsonObject>
#include <QMutex>
#include <QObject>

#include <functional>

class QTimer;

namespace cr {

class Clock;
class Metrics;

// The live telemetry: once per interval (1 s) on the background thread, sums the metrics
// shards, turns the difference to the previous tick into a slice, and from the last 10 s and
// 1 min of slices computes the snapshot (rates, error rate, p50/p95/p99 overall and per route,
// status counts, rate-limit hits, WebSocket clients, CPU, memory, event-loop lag, database
// latency, breakers, alerts). The snapshot goes to the publisher (the WebSocket `metrics`
// channel), to snapshotReady() (the console), and into the history rings.
//
// Lives in the background thread; tick() may also be called directly (tests, with a
// ManualClock). latest() and history() may be read from any thread.
class TelemetryService : public QObject
{
    Q_OBJECT
public:
    TelemetryService(Metrics &metrics, const Clock &clock, int intervalMs,
                     QObject *parent = nullptr);
    ~TelemetryService() override;

    // Before start(): where each snapshot is published besides the signal.
    void setPublisher(std::function<void(const QJsonObject &)> publish);

    void start(); // in the service's thread
    void stop();  // in the service's thread
    void tick();

    QJsonObject latest() const;
    const TelemetryHistory &history() const { return m_history; }
    const Metrics &metrics() const { return m_metrics; }
    int intervalMs() const { return m_intervalMs; }

Q_SIGNALS:
    void snapshotReady(const QJsonObject &snapshot);

private:
    TelemetrySlice diff(const MetricsTotals &now, qint64 monoMs, qint64 wallMs, qint64 intervalMs,
                        LatencyHistogram &overall, LatencyHistogram &db) const;
    QJsonObject render(const MetricsTotals &now, qint64 monoMs, TelemetryPoint &point);

    Metrics &m_metrics;
    const Clock &m_clock;
    const int m_intervalMs;
    QTimer *m_timer = nullptr;
    std::function<void(const QJsonObject &)> m_publish;
    MetricsTotals m_previous;
    bool m_havePrevious = false;
    qint64 m_previousMonoMs = 0;
    double m_previousCpu = -1;
    TelemetryWindow m_window;
    TelemetryHistory m_history;
    mutable QMutex m_latestMutex;
    QJsonObject m_latest;
};

} // namespace cr
