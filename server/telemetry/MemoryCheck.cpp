#include "telemetry/MemoryCheck.h"

#include <QElapsedTimer>
#include <QFile>

#include <unistd.h>

namespace cr {
namespace {

QByteArray readSmallFile(const char *path)
{
    QFile f(QString::fromLatin1(path));
    if (!f.open(QIODevice::ReadOnly))
        return QByteArray();
    return f.read(64 * 1024); // /proc files report size 0: read what there is
}

} // namespace

MemoryCheck::MemoryCheck(HealthThresholds percent, Sampler sampler)
    : m_percent(percent)
    , m_sampler(sampler ? std::move(sampler) : Sampler(&MemoryCheck::sampleProc))
{
    m_percent.lowerIsWorse = false;
}

qint64 MemoryCheck::parseMemTotal(const QByteArray &meminfo)
{
    for (const QByteArray &line : meminfo.split('\n')) {
        if (!line.startsWith("MemTotal:"))
            continue;
        const QList<QByteArray> parts = line.mid(9).simplified().split(' ');
        bool ok = false;
        const qint64 kib = parts.value(0).toLongLong(&ok);
        if (!ok || kib <= 0)
            return -1;
        return kib * 1024; // the kernel's "kB" is KiB
    }
    return -1;
}

qint64 MemoryCheck::parseStatmResident(const QByteArray &statm, qint64 pageBytes)
{
    const QList<QByteArray> parts = statm.simplified().split(' ');
    if (parts.size() < 2 || pageBytes <= 0)
        return -1;
    bool ok = false;
    const qint64 pages = parts.at(1).toLongLong(&ok);
    return ok && pages >= 0 ? pages * pageBytes : -1;
}

qint64 MemoryCheck::parseCgroupLimit(const QByteArray &memoryMax)
{
    bool ok = false;
    const qint64 v = memoryMax.trimmed().toLongLong(&ok);
    return ok && v > 0 ? v : -1;
}

MemorySample MemoryCheck::sampleProc()
{
    MemorySample s;
    s.residentBytes = parseStatmResident(readSmallFile("/proc/self/statm"), sysconf(_SC_PAGESIZE));
    s.limitBytes = parseMemTotal(readSmallFile("/proc/meminfo"));
    const qint64 cgroup = parseCgroupLimit(readSmallFile("/sys/fs/cgroup/memory.max"));
    if (cgroup > 0 && (s.limitBytes < 0 || cgroup < s.limitBytes))
        s.limitBytes = cgroup;
    return s;
}

CheckResult MemoryCheck::run()
{
    CheckResult r;
    r.name = name();
    QElapsedTimer timer;
    timer.start();
    const MemorySample s = m_sampler();
    r.latencyMs = double(timer.nsecsElapsed()) / 1e6;
    if (s.residentBytes < 0 || s.limitBytes <= 0) {
        // Not knowing is not being unwell: say so to operators, keep the status.
        r.details.insert(QStringLiteral("measured"), false);
        return r;
    }
    const double percent = 100.0 * double(s.residentBytes) / double(s.limitBytes);
    r.value = percent;
    r.status = m_percent.classify(percent);
    r.details.insert(QStringLiteral("residentBytes"), double(s.residentBytes));
    r.details.insert(QStringLiteral("limitBytes"), double(s.limitBytes));
    r.details.insert(QStringLiteral("percent"), qRound(percent * 10) / 10.0);
    r.details.insert(QStringLiteral("thresholdsPercent"), m_percent.toJson());
    return r;
}

} // namespace cr
