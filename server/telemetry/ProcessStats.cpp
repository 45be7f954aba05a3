#include "telemetry/ProcessStats.h"

#include <QByteArray>
#include <QDir>
#include <QFile>
#include <QList>

#include <sys/resource.h>
#include <unistd.h>

namespace cr {
namespace {

QByteArray readAll(const char *path)
{
    QFile f(QString::fromLatin1(path));
    if (!f.open(QIODevice::ReadOnly))
        return {};
    return f.readAll(); // /proc files report size 0: read until the end
}

// Seconds since the epoch at boot (/proc/stat "btime"), read once.
qint64 bootTime()
{
    static const qint64 btime = [] {
        const QByteArray stat = readAll("/proc/stat");
        for (const QByteArray &line : stat.split('\n')) {
            if (line.startsWith("btime "))
                return line.mid(6).trimmed().toLongLong();
        }
        return qint64(-1);
    }();
    return btime;
}

} // namespace

ProcessStats ProcessStats::read()
{
    ProcessStats out;
    const long ticks = sysconf(_SC_CLK_TCK);
    const long page = sysconf(_SC_PAGESIZE);
    const QByteArray stat = readAll("/proc/self/stat");
    // "pid (comm) state ppid ...": comm may hold spaces and parentheses; fields follow the
    // last ')'.
    const qsizetype close = stat.lastIndexOf(')');
    if (close > 0 && ticks > 0) {
        const QList<QByteArray> f = stat.mid(close + 2).split(' ');
        // Field numbers of proc(5) minus 3: state is f[0] (field 3).
        if (f.size() > 21) {
            out.cpuSeconds = double(f[11].toLongLong() + f[12].toLongLong()) / double(ticks);
            out.threads = f[17].toLongLong();
            const qint64 btime = bootTime();
            if (btime > 0)
                out.startTimeSeconds = double(btime) + double(f[19].toLongLong()) / double(ticks);
            out.virtualBytes = f[20].toLongLong();
            out.residentBytes = f[21].toLongLong() * page;
        }
    }
    const QDir fds(QStringLiteral("/proc/self/fd"));
    if (fds.exists())
        out.openFds =
            qint64(fds.entryList(QDir::AllEntries | QDir::System | QDir::NoDotAndDotDot).size());
    rlimit limit{};
    if (getrlimit(RLIMIT_NOFILE, &limit) == 0)
        out.maxFds = limit.rlim_cur == RLIM_INFINITY ? -1 : qint64(limit.rlim_cur);
    return out;
}

int ProcessStats::cpuCount()
{
    const long n = sysconf(_SC_NPROCESSORS_ONLN);
    return n > 0 ? int(n) : 1;
}

qint64 ProcessStats::totalMemoryBytes()
{
    const long pages = sysconf(_SC_PHYS_PAGES);
    const long page = sysconf(_SC_PAGESIZE);
    return pages > 0 && page > 0 ? qint64(pages) * page : -1;
}

} // namespace cr
