#pragma once

#include <QtGlobal>

namespace cr {

// This process as /proc sees it (Linux). Values that cannot be read stay at -1.
struct ProcessStats
{
    double cpuSeconds = -1; // user + system
    qint64 residentBytes = -1;
    qint64 virtualBytes = -1;
    qint64 openFds = -1;
    qint64 maxFds = -1;           // the soft limit
    double startTimeSeconds = -1; // since the Unix epoch
    qint64 threads = -1;

    static ProcessStats read();
    // Online CPUs, for turning CPU seconds into a share of the machine.
    static int cpuCount();
    // Physical memory, in bytes (-1 when unknown).
    static qint64 totalMemoryBytes();
};

} // namespace cr
