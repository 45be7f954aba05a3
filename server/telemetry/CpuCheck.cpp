#include "telemetry/CpuCheck.h"

#include "core/Clock.h"

#include <QFile>
#include <QThread>

#include <unistd.h>

namespace cr {

CpuCheck::CpuCheck(const Clock &clock, HealthThresholds percent, int cpus, Sampler sampler,
                   qint64 minWindowMs)
    : m_clock(clock)
    , m_percent(percent)
    , m_cpus(cpus > 0 ? cpus : qMax(1, QThread::idealThreadCount()))
    , m_sampler(sampler ? std::move(sampler) : Sampler(&CpuCheck::readProcessCpuSeconds))
    , m_minWindowMs(qMax<qint64>(0, minWindowMs))
{
    m_percent.lowerIsWorse = false;
}

qint64 CpuCheck::parseStatTicks(const QByteArray &stat)
{
    const int close = stat.lastIndexOf(')');
    if (close < 0)
        return -1;
    // After "pid (comm) ": state is field 3, utime field 14, stime field 15.
    const QList<QByteArray> fields = stat.mid(close + 1).simplified().split(' ');
    if (fields.size() < 13)
        return -1;
    bool okUser = false;
    bool okSystem = false;
    const qint64 user = fields.at(11).toLongLong(&okUser);
    const qint64 system = fields.at(12).toLongLong(&okSystem);
    return okUser && okSystem && user >= 0 && system >= 0 ? user + system : -1;
}

double CpuCheck::readProcessCpuSeconds()
{
    QFile f(QStringLiteral("/proc/self/stat"));
    if (!f.open(QIODevice::ReadOnly))
        return -1;
    const qint64 ticks = parseStatTicks(f.read(4096));
    const long hz = sysconf(_SC_CLK_TCK);
    return ticks < 0 || hz <= 0 ? -1 : double(ticks) / double(hz);
}

CheckResult CpuCheck::run()
{
    CheckResult r;
    r.name = name();
    const double cpu = m_sampler();
    const qint64 now = m_clock.monotonicMs();
    r.details.insert(QStringLiteral("cpus"), m_cpus);
    r.details.insert(QStringLiteral("thresholdsPercent"), m_percent.toJson());
    if (cpu < 0) {
        r.details.insert(QStringLiteral("measured"), false);
        return r;
    }
    const bool first = m_lastCpuSeconds < 0;
    const double usedSeconds = cpu - m_lastCpuSeconds;
    const qint64 elapsedMs = now - m_lastMs;
    if (!first && elapsedMs < qMax<qint64>(1, m_minWindowMs)) {
        if (m_last.value >= 0)
            return m_last;
        r.details.insert(QStringLiteral("measured"), false);
        return r;
    }
    m_lastCpuSeconds = cpu;
    m_lastMs = now;
    if (first) {
        r.details.insert(QStringLiteral("measured"), false); // a starting point only
        return r;
    }
    const double percent =
        qBound(0.0, 100.0 * qMax(0.0, usedSeconds) / (double(elapsedMs) / 1000.0 * m_cpus), 100.0);
    r.value = percent;
    r.status = m_percent.classify(percent);
    r.details.insert(QStringLiteral("percent"), qRound(percent * 10) / 10.0);
    r.details.insert(QStringLiteral("intervalMs"), double(elapsedMs));
    m_last = r;
    return r;
}

} // namespace cr
