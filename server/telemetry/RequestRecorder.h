#pragma once

#include "http/RequestObserver.h"

namespace cr {

class Clock;
class Metrics;

// The HTTP server's observer: counts every answered request into Metrics (in the worker's own
// shard) and starts, in each worker thread, a probe timer that measures its event-loop lag (how
// much later than asked the timer fires).
class RequestRecorder final : public RequestObserver
{
public:
    RequestRecorder(Metrics &metrics, const Clock &clock, int lagProbeMs);

    void workerStarted(QObject *worker, int index) override;
    void requestStarted() override;
    void requestFinished(const RequestRecord &record) override;

private:
    Metrics &m_metrics;
    const Clock &m_clock;
    int m_lagProbeMs;
};

} // namespace cr
