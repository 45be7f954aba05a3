#include "telemetry/DiskCheck.h"

#include <QElapsedTimer>
#include <QStorageInfo>

namespace cr {

CheckResult DiskCheck::run()
{
    CheckResult r;
    r.name = name();
    QElapsedTimer timer;
    timer.start();
    const QStorageInfo info(m_directory);
    const qint64 free = info.bytesAvailable();
    const qint64 total = info.bytesTotal();
    r.latencyMs = double(timer.nsecsElapsed()) / 1e6;
    if (!info.isValid() || total <= 0) {
        r.status = CheckStatus::Down;
        return r;
    }
    const double fraction = double(free) / double(total);
    if (free < 100LL * 1024 * 1024)
        r.status = CheckStatus::Down;
    else if (free < 1024LL * 1024 * 1024 || fraction < 0.05)
        r.status = CheckStatus::Degraded;
    r.details.insert(QStringLiteral("freeBytes"), double(free));
    r.details.insert(QStringLiteral("freePercent"), qRound(fraction * 1000) / 10.0);
    return r;
}

} // namespace cr
