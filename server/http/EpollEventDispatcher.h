#pragma once

#include <QAbstractEventDispatcher>
#include <QHash>

#include <atomic>
#include <vector>

class QSocketNotifier;

namespace cr {

// The event dispatcher of the HTTP worker threads (docs/PERFORMANCE.md "Where the time goes"):
// Qt's UNIX dispatcher hands every descriptor of the thread to ppoll() on every pass, so a
// worker with many connections pays for all of them whenever one is ready. This one keeps the
// descriptors in an epoll set and is told only about the ready ones.
//
// - Socket notifiers: level-triggered, one epoll entry per descriptor with the events of its
//   enabled notifiers. Changes made while a pass runs are applied once, just before the next
//   wait, so a notifier switched on and off again within a pass (QTcpSocket's write notifier
//   around every flushed response) costs no system call. A descriptor whose last notifier goes
//   is removed at once, because it may be closed and its number reused next.
//   Readiness maps to notifiers as in Qt's own dispatcher: hang-up and error wake the read and
//   write notifiers, urgent data the exception notifier.
// - Timers: Qt's timer ids and semantics (a due timer fires once per pass and is rescheduled by
//   its interval from its last deadline, or from now when it fell behind), all kept precise on
//   the monotonic clock. Zero-interval timers fire on every pass.
// - Posted events and wakeUp()/interrupt(): an eventfd, written once per wake-up.
//
// For threads that run sockets and timers only (no GUI, no glib sources). One per thread, set
// with QThread::setEventDispatcher() before the thread starts.
class EpollEventDispatcher final : public QAbstractEventDispatcher
{
    Q_OBJECT

public:
    explicit EpollEventDispatcher(QObject *parent = nullptr);
    ~EpollEventDispatcher() override;

    // False if the epoll set or the eventfd could not be made (then use Qt's dispatcher).
    bool isValid() const { return m_epoll >= 0 && m_wake >= 0; }

    bool processEvents(QEventLoop::ProcessEventsFlags flags) override;

    void registerSocketNotifier(QSocketNotifier *notifier) override;
    void unregisterSocketNotifier(QSocketNotifier *notifier) override;

    void registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                       QObject *object) override;
    bool unregisterTimer(int timerId) override;
    bool unregisterTimers(QObject *object) override;
    QList<TimerInfo> registeredTimers(QObject *object) const override;
    int remainingTime(int timerId) override;

    void wakeUp() override;
    void interrupt() override;

private:
    struct Notifiers
    {
        QSocketNotifier *read = nullptr;
        QSocketNotifier *write = nullptr;
        QSocketNotifier *exception = nullptr;
        quint32 kernelEvents = 0; // what the epoll set has for this descriptor
        bool dirty = false;       // listed in m_dirty
        quint32 wanted() const;
    };
    struct Timer
    {
        int id = 0;
        qint64 intervalMs = 0;
        Qt::TimerType type = Qt::CoarseTimer;
        QObject *object = nullptr;
        qint64 deadlineNs = 0;
    };

    void markDirty(int fd, Notifiers &n);
    void syncInterest();
    // Milliseconds until the next timer is due (0: now), or -1 when there is none.
    int timerWaitMs() const;
    int activateTimers();
    int activateNotifiers(int ready);
    void drainWake();

    int m_epoll = -1;
    int m_wake = -1;
    std::atomic<bool> m_wakePending{false};
    std::atomic<bool> m_interrupted{false};
    QHash<int, Notifiers> m_notifiers;
    std::vector<int> m_dirty;
    std::vector<QSocketNotifier *> m_pending; // to activate in this pass; removed ones nulled
    std::vector<Timer> m_timers;
    std::vector<int> m_dueTimers;
};

} // namespace cr
