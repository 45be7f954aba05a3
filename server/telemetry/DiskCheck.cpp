#include "telemetry/DiskCheck.h"

#include <QElapsedTimer>
#include <QStorageInfo>

namespace cr {

CheckStatus DiskCheck::classify(qint64 free, qint64 total) const
{
    if (total <= 0)
        return CheckStatus::Down;
    CheckStatus status = m_freeMib.classify(double(free) / (1024.0 * 1024.0));
    if (status == CheckStatus::Ok && double(free) / double(total) < 0.05)
        status = CheckStatus::Degraded;
    return status;
}

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
    r.status = classify(free, total);
    r.value = double(free) / (1024.0 * 1024.0);
    r.details.insert(QStringLiteral("freeBytes"), double(free));
    r.details.insert(QStringLiteral("freePercent"), qRound(fraction * 1000) / 10.0);
    r.details.insert(QStringLiteral("thresholdsMib"), m_freeMib.toJson());
    return r;
}

} // namespace cr
