#include "http/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QSocketNotifier>
#include <QTimerEvent>
#include <QVarLengthArray>
#include <QtDebug>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstring>

#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <unistd.h>

namespace cr {
namespace {

constexpr int kMaxEvents = 256;
constexpr qint64 kNsPerMs = 1000 * 1000;

qint64 nowNs()
{
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch())
        .count();
}

qint64 ceilMs(qint64 ns)
{
    return ns <= 0 ? 0 : (ns + kNsPerMs - 1) / kNsPerMs;
}

// The notifiers being activated by the passes running now (a notifier may start a nested
// event loop): an unregistered notifier is nulled in all of them.
using PendingList = QVarLengthArray<QSocketNotifier *, 64>;
thread_local std::vector<PendingList *> t_activeLists;

} // namespace

quint32 EpollEventDispatcher::Notifiers::wanted() const
{
    return (read ? quint32(EPOLLIN) : 0u) | (write ? quint32(EPOLLOUT) : 0u) |
           (exception ? quint32(EPOLLPRI) : 0u);
}

EpollEventDispatcher::EpollEventDispatcher(QObject *parent)
    : QAbstractEventDispatcher(parent)
    , m_epoll(epoll_create1(EPOLL_CLOEXEC))
    , m_wake(eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK))
{
    if (!isValid()) {
        qWarning("EpollEventDispatcher: cannot create the epoll set: %s", std::strerror(errno));
        return;
    }
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = m_wake;
    if (epoll_ctl(m_epoll, EPOLL_CTL_ADD, m_wake, &ev) != 0) {
        qWarning("EpollEventDispatcher: cannot watch the wake-up descriptor: %s",
                 std::strerror(errno));
        ::close(m_wake);
        m_wake = -1;
    }
}

EpollEventDispatcher::~EpollEventDispatcher()
{
    if (m_wake >= 0)
        ::close(m_wake);
    if (m_epoll >= 0)
        ::close(m_epoll);
}

bool EpollEventDispatcher::processEvents(QEventLoop::ProcessEventsFlags flags)
{
    m_interrupted.store(false);
    Q_EMIT awake();
    QCoreApplication::sendPostedEvents();

    const bool includeTimers = !(flags & QEventLoop::X11ExcludeTimers);
    const bool includeNotifiers = !(flags & QEventLoop::ExcludeSocketNotifiers);
    int timeoutMs = 0;
    if ((flags & QEventLoop::WaitForMoreEvents) && !m_interrupted.load()) {
        timeoutMs = includeTimers ? timerWaitMs() : -1;
        if (timeoutMs != 0)
            Q_EMIT aboutToBlock();
    }
    if (m_interrupted.load())
        return false;

    syncInterest();
    epoll_event events[kMaxEvents];
    int ready = epoll_wait(m_epoll, events, kMaxEvents, timeoutMs);
    if (ready < 0) {
        if (errno != EINTR)
            qWarning("EpollEventDispatcher: epoll_wait: %s", std::strerror(errno));
        ready = 0;
    }

    int handled = 0;
    PendingList pending;
    for (int i = 0; i < ready; ++i) {
        const int fd = events[i].data.fd;
        const quint32 ev = events[i].events;
        if (fd == m_wake) {
            drainWake();
            ++handled;
            continue;
        }
        if (!includeNotifiers)
            continue; // level-triggered: reported again by the next pass that takes them
        const auto it = m_notifiers.constFind(fd);
        if (it == m_notifiers.constEnd())
            continue;
        if (it->read && (ev & (EPOLLIN | EPOLLHUP | EPOLLERR)))
            pending.append(it->read);
        if (it->write && (ev & (EPOLLOUT | EPOLLHUP | EPOLLERR)))
            pending.append(it->write);
        if (it->exception && (ev & EPOLLPRI))
            pending.append(it->exception);
    }
    if (!pending.isEmpty()) {
        t_activeLists.push_back(&pending);
        for (qsizetype i = 0; i < pending.size(); ++i) {
            QSocketNotifier *notifier = pending[i];
            if (!notifier)
                continue;
            pending[i] = nullptr;
            QEvent activated(QEvent::SockAct);
            QCoreApplication::sendEvent(notifier, &activated);
            ++handled;
        }
        t_activeLists.pop_back();
    }
    if (includeTimers)
        handled += activateTimers();
    return handled > 0;
}

void EpollEventDispatcher::registerSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    Notifiers &n = m_notifiers[fd];
    QSocketNotifier **slot = notifier->type() == QSocketNotifier::Read    ? &n.read
                             : notifier->type() == QSocketNotifier::Write ? &n.write
                                                                          : &n.exception;
    if (*slot && *slot != notifier)
        qWarning("EpollEventDispatcher: a second notifier of one type for socket %d", fd);
    *slot = notifier;
    markDirty(fd, n);
}

void EpollEventDispatcher::unregisterSocketNotifier(QSocketNotifier *notifier)
{
    const int fd = int(notifier->socket());
    const auto it = m_notifiers.find(fd);
    if (it == m_notifiers.end())
        return;
    QSocketNotifier **slot = notifier->type() == QSocketNotifier::Read    ? &it->read
                             : notifier->type() == QSocketNotifier::Write ? &it->write
                                                                          : &it->exception;
    if (*slot != notifier)
        return;
    *slot = nullptr;
    for (PendingList *list : t_activeLists)
        std::replace(list->begin(), list->end(), notifier, static_cast<QSocketNotifier *>(nullptr));
    if (it->wanted() != 0) {
        markDirty(fd, *it);
        return;
    }
    // The descriptor may be closed and its number reused right after this: leave the set now.
    if (it->kernelEvents != 0)
        epoll_ctl(m_epoll, EPOLL_CTL_DEL, fd, nullptr); // fails harmlessly if already closed
    m_notifiers.erase(it);
}

void EpollEventDispatcher::markDirty(int fd, Notifiers &n)
{
    if (n.dirty)
        return;
    n.dirty = true;
    m_dirty.push_back(fd);
}

// Brings the epoll set in line with the enabled notifiers; a notifier enabled and disabled
// again since the last wait costs nothing.
void EpollEventDispatcher::syncInterest()
{
    for (const int fd : m_dirty) {
        const auto it = m_notifiers.find(fd);
        if (it == m_notifiers.end() || !it->dirty)
            continue;
        it->dirty = false;
        const quint32 want = it->wanted();
        if (want == it->kernelEvents)
            continue;
        epoll_event ev{};
        ev.events = want;
        ev.data.fd = fd;
        int op = it->kernelEvents ? EPOLL_CTL_MOD : EPOLL_CTL_ADD;
        int rc = epoll_ctl(m_epoll, op, fd, &ev);
        if (rc != 0 && op == EPOLL_CTL_MOD && errno == ENOENT)
            rc = epoll_ctl(m_epoll, op = EPOLL_CTL_ADD, fd, &ev);
        else if (rc != 0 && op == EPOLL_CTL_ADD && errno == EEXIST)
            rc = epoll_ctl(m_epoll, op = EPOLL_CTL_MOD, fd, &ev);
        if (rc != 0) {
            qWarning("EpollEventDispatcher: cannot watch socket %d: %s", fd, std::strerror(errno));
            continue;
        }
        it->kernelEvents = want;
    }
    m_dirty.clear();
}

void EpollEventDispatcher::registerTimer(int timerId, qint64 interval, Qt::TimerType timerType,
                                         QObject *object)
{
    const qint64 ms = qMax<qint64>(0, interval);
    m_timers.push_back(Timer{timerId, ms, timerType, object, nowNs() + ms * kNsPerMs});
}

bool EpollEventDispatcher::unregisterTimer(int timerId)
{
    for (auto it = m_timers.begin(); it != m_timers.end(); ++it) {
        if (it->id == timerId) {
            m_timers.erase(it);
            return true;
        }
    }
    return false;
}

bool EpollEventDispatcher::unregisterTimers(QObject *object)
{
    const auto before = m_timers.size();
    m_timers.erase(std::remove_if(m_timers.begin(), m_timers.end(),
                                  [object](const Timer &t) { return t.object == object; }),
                   m_timers.end());
    return m_timers.size() != before;
}

QList<QAbstractEventDispatcher::TimerInfo>
EpollEventDispatcher::registeredTimers(QObject *object) const
{
    QList<TimerInfo> out;
    for (const Timer &t : m_timers) {
        if (t.object == object)
            out.append(TimerInfo(t.id, int(t.intervalMs), t.type));
    }
    return out;
}

int EpollEventDispatcher::remainingTime(int timerId)
{
    for (const Timer &t : m_timers) {
        if (t.id == timerId)
            return int(ceilMs(t.deadlineNs - nowNs()));
    }
    return -1;
}

int EpollEventDispatcher::timerWaitMs() const
{
    if (m_timers.empty())
        return -1;
    qint64 next = m_timers.front().deadlineNs;
    for (const Timer &t : m_timers)
        next = qMin(next, t.deadlineNs);
    return int(qMin<qint64>(ceilMs(next - nowNs()), 24 * 3600 * 1000));
}

// Every timer due now fires once; one that is stopped or restarted by an earlier one in the
// same pass is looked up again and skipped.
int EpollEventDispatcher::activateTimers()
{
    if (m_timers.empty())
        return 0;
    const qint64 now = nowNs();
    QVarLengthArray<int, 16> due;
    for (const Timer &t : m_timers) {
        if (t.deadlineNs <= now)
            due.append(t.id);
    }
    int fired = 0;
    for (const int id : due) {
        const auto it = std::find_if(m_timers.begin(), m_timers.end(),
                                     [id](const Timer &t) { return t.id == id; });
        if (it == m_timers.end() || it->deadlineNs > now)
            continue;
        const qint64 interval = it->intervalMs * kNsPerMs;
        it->deadlineNs += interval;
        if (it->deadlineNs <= now && interval > 0)
            it->deadlineNs = now + interval;
        QObject *object = it->object; // `it` may be invalid after the event
        QTimerEvent event(id);
        QCoreApplication::sendEvent(object, &event);
        ++fired;
    }
    return fired;
}

void EpollEventDispatcher::wakeUp()
{
    if (m_wakePending.exchange(true))
        return; // a wake-up is already on its way
    const quint64 one = 1;
    while (::write(m_wake, &one, sizeof one) < 0 && errno == EINTR) {
    }
}

void EpollEventDispatcher::drainWake()
{
    quint64 count = 0;
    while (::read(m_wake, &count, sizeof count) < 0 && errno == EINTR) {
    }
    m_wakePending.store(false);
}

void EpollEventDispatcher::interrupt()
{
    m_interrupted.store(true);
    wakeUp();
}

} // namespace cr
