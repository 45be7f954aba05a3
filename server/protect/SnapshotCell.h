#pragma once

#include <QtGlobal>

#include <atomic>
#include <memory>
#include <mutex>

namespace cr {

namespace detail {
quint64 nextSnapshotVersion();
}

// A value read on every request and changed rarely (the rate-limit policy table, the ban list):
// copy-on-write, with a per-thread cache so a read is one atomic load when nothing changed.
// Versions are unique across every cell of the process, so a thread's cached copy can never be
// mistaken for another cell's.
template<typename T>
class SnapshotCell
{
public:
    explicit SnapshotCell(T value = T())
        : m_value(std::make_shared<const T>(std::move(value)))
        , m_version(detail::nextSnapshotVersion())
    {}

    // A counted reference to the current value: safe to keep.
    std::shared_ptr<const T> load() const { return cached(); }

    // The current value without touching its reference count (no cache line shared between
    // threads on the hot path). The reference stays valid until this thread next reads any
    // SnapshotCell<T>: use it within one function, never store it.
    const T &read() const { return *cached(); }

    void store(T value)
    {
        auto fresh = std::make_shared<const T>(std::move(value));
        std::lock_guard<std::mutex> lock(m_mutex);
        m_value = std::move(fresh);
        m_version.store(detail::nextSnapshotVersion(), std::memory_order_release);
    }

    // Applies `change` to a copy of the current value and publishes it, atomically with
    // respect to other writers.
    template<typename F>
    void update(F change)
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        T copy = *m_value;
        change(copy);
        m_value = std::make_shared<const T>(std::move(copy));
        m_version.store(detail::nextSnapshotVersion(), std::memory_order_release);
    }

private:
    const std::shared_ptr<const T> &cached() const
    {
        struct Cache
        {
            quint64 version = 0;
            std::shared_ptr<const T> value;
        };
        thread_local Cache cache;
        const quint64 version = m_version.load(std::memory_order_acquire);
        if (cache.version != version) {
            std::lock_guard<std::mutex> lock(m_mutex);
            cache.value = m_value;
            cache.version = m_version.load(std::memory_order_relaxed);
        }
        return cache.value;
    }

    mutable std::mutex m_mutex;
    std::shared_ptr<const T> m_value;
    std::atomic<quint64> m_version;
};

} // namespace cr
