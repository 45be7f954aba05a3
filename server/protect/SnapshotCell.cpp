#include "protect/SnapshotCell.h"

namespace cr::detail {

quint64 nextSnapshotVersion()
{
    static std::atomic<quint64> counter{1};
    return counter.fetch_add(1, std::memory_order_relaxed);
}

} // namespace cr::detail
