// The worker threads' EpollEventDispatcher on its own: this test's main thread runs on it, so
// every QTRY_ and QSignalSpy::wait below also goes through it. Timers (single-shot, repeating,
// zero-interval, stopped by another timer in the same pass, remainingTime), posted events from
// another thread, quitting a thread's loop, and socket notifiers on socket pairs (read, write,
// disabled, re-enabled within one pass, a descriptor number reused after close). The HTTP
// tests run their servers' workers on it too (workerEventLoop defaults to epoll); the last
// function serves HTTP with each dispatcher.

#include "HttpTestSupport.h"
#include "RawClient.h"
#include "TestServer.h"
#include "core/Settings.h"
#include "http/EpollEventDispatcher.h"

#include <QCoreApplication>
#include <QElapsedTimer>
#include <QSignalSpy>
#include <QSocketNotifier>
#include <QTest>
#include <QThread>
#include <QTimer>

#include <sys/socket.h>
#include <unistd.h>

using cr::EpollEventDispatcher;

namespace {

struct SocketPair
{
    int fd[2] = {-1, -1};
    SocketPair() { socketpair(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0, fd); }
    ~SocketPair() { closeAll(); }
    void closeAll()
    {
        for (int &f : fd) {
            if (f >= 0)
                ::close(f);
            f = -1;
        }
    }
    bool ok() const { return fd[0] >= 0 && fd[1] >= 0; }
};

bool sendByte(int fd)
{
    const char c = 'x';
    return ::write(fd, &c, 1) == 1;
}

void drain(int fd)
{
    char buf[64];
    while (::read(fd, buf, sizeof buf) > 0) {
    }
}

} // namespace

class TstHttpDispatcher : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void mainThreadRunsOnIt()
    {
        QVERIFY(qobject_cast<EpollEventDispatcher *>(QAbstractEventDispatcher::instance()));
    }

    void timers()
    {
        QTimer single;
        single.setSingleShot(true);
        single.setInterval(20);
        QSignalSpy singleSpy(&single, &QTimer::timeout);
        QTimer repeating;
        repeating.setInterval(5);
        QSignalSpy repeatSpy(&repeating, &QTimer::timeout);
        QElapsedTimer clock;
        clock.start();
        single.start();
        repeating.start();
        const int remaining = single.remainingTime();
        QVERIFY2(remaining > 0 && remaining <= 20, qPrintable(QString::number(remaining)));
        QVERIFY(singleSpy.wait(2000));
        QVERIFY(clock.elapsed() >= 19); // not before its interval (ms rounding)
        QTRY_VERIFY(repeatSpy.count() >= 5);
        repeating.stop();
        const auto fired = repeatSpy.count();
        QTest::qWait(30);
        QCOMPARE(repeatSpy.count(), fired); // stopped means stopped
        QCOMPARE(singleSpy.count(), 1);
        QCOMPARE(single.remainingTime(), -1);

        // The dispatcher's own view of the timers of an object.
        QObject owner;
        const int id = owner.startTimer(250);
        const auto infos = QAbstractEventDispatcher::instance()->registeredTimers(&owner);
        QCOMPARE(infos.size(), 1);
        QCOMPARE(infos.first().timerId, id);
        QCOMPARE(infos.first().interval, 250);
        owner.killTimer(id);
        QVERIFY(QAbstractEventDispatcher::instance()->registeredTimers(&owner).isEmpty());
    }

    void zeroTimerAndStopInSamePass()
    {
        QTimer zero;
        zero.setInterval(0);
        QSignalSpy zeroSpy(&zero, &QTimer::timeout);
        zero.start();
        QTRY_VERIFY(zeroSpy.count() >= 10); // fires on every pass
        zero.stop();

        // Two timers due in the same pass: the first stops the second, which must not fire.
        QTimer first;
        QTimer second;
        first.setSingleShot(true);
        second.setSingleShot(true);
        int secondFired = 0;
        connect(&first, &QTimer::timeout, &second, &QTimer::stop);
        connect(&second, &QTimer::timeout, this, [&] { ++secondFired; });
        first.start(10);
        second.start(10);
        QThread::msleep(20); // both due before the next pass
        QTest::qWait(40);
        QVERIFY(!first.isActive());
        QCOMPARE(secondFired, 0);
    }

    void postedEventsFromAnotherThread()
    {
        // A thread of its own on the dispatcher; work is queued into it from here.
        QThread thread;
        thread.setEventDispatcher(new EpollEventDispatcher);
        thread.start();
        auto *inThread = new QObject;
        inThread->moveToThread(&thread);
        std::atomic<int> ran{0};
        for (int i = 0; i < 100; ++i)
            QMetaObject::invokeMethod(inThread, [&ran] { ran.fetch_add(1); });
        QTRY_COMPARE(ran.load(), 100);
        bool onThread = false;
        QMetaObject::invokeMethod(
            inThread, [&] { onThread = QThread::currentThread() == &thread; },
            Qt::BlockingQueuedConnection);
        QVERIFY(onThread);
        // A timer in that thread.
        std::atomic<int> ticks{0};
        QMetaObject::invokeMethod(inThread, [inThread, &ticks] {
            auto *t = new QTimer(inThread);
            connect(t, &QTimer::timeout, t, [&ticks] { ticks.fetch_add(1); });
            t->start(2);
        });
        QTRY_VERIFY(ticks.load() >= 3);
        QMetaObject::invokeMethod(
            inThread, [inThread] { delete inThread; }, Qt::BlockingQueuedConnection);
        // quit() interrupts the wait at once.
        QElapsedTimer clock;
        clock.start();
        thread.quit();
        QVERIFY(thread.wait(5000));
        QVERIFY(clock.elapsed() < 2000);
    }

    void readAndWriteNotifiers()
    {
        SocketPair p;
        QVERIFY(p.ok());
        QSocketNotifier reader(p.fd[0], QSocketNotifier::Read);
        QSignalSpy readSpy(&reader, &QSocketNotifier::activated);
        QTest::qWait(10);
        QCOMPARE(readSpy.count(), 0); // nothing to read
        QVERIFY(sendByte(p.fd[1]));
        QVERIFY(readSpy.wait(2000));
        drain(p.fd[0]);

        // Disabled: not activated even with data waiting; enabled again: activated.
        reader.setEnabled(false);
        const auto before = readSpy.count();
        QVERIFY(sendByte(p.fd[1]));
        QTest::qWait(20);
        QCOMPARE(readSpy.count(), before);
        reader.setEnabled(true);
        QTRY_VERIFY(readSpy.count() > before);
        drain(p.fd[0]);

        // A write notifier on the same descriptor: a socket with room is writable at once.
        QSocketNotifier writer(p.fd[0], QSocketNotifier::Write);
        QSignalSpy writeSpy(&writer, &QSocketNotifier::activated);
        QVERIFY(writeSpy.wait(2000));
        // Switched off and on and off again within one pass (as QTcpSocket does around a
        // flushed response): no activation afterwards.
        writer.setEnabled(false);
        writer.setEnabled(true);
        writer.setEnabled(false);
        const auto writes = writeSpy.count();
        QTest::qWait(20);
        QCOMPARE(writeSpy.count(), writes);

        // The peer hangs up: the read notifier hears it.
        const auto reads = readSpy.count();
        ::close(p.fd[1]);
        p.fd[1] = -1;
        QTRY_VERIFY(readSpy.count() > reads);
        reader.setEnabled(false);
    }

    // A descriptor closed and its number reused by the next socket, within one pass, must be
    // watched again (the epoll set drops a closed descriptor by itself).
    void reusedDescriptorNumber()
    {
        auto first = std::make_unique<SocketPair>();
        QVERIFY(first->ok());
        const int number = first->fd[0];
        {
            QSocketNotifier old(number, QSocketNotifier::Read);
            QTest::qWait(5); // in the epoll set now
            old.setEnabled(false);
        }
        first->closeAll();
        SocketPair second;
        QVERIFY(second.ok());
        const int readEnd = second.fd[0] == number ? second.fd[0] : second.fd[1];
        const int writeEnd = readEnd == second.fd[0] ? second.fd[1] : second.fd[0];
        QCOMPARE(readEnd, number);
        QSocketNotifier reader(readEnd, QSocketNotifier::Read);
        QSignalSpy spy(&reader, &QSocketNotifier::activated);
        QVERIFY(sendByte(writeEnd));
        QVERIFY(spy.wait(2000));
    }

    // Many descriptors, few ready: only the ready ones are activated.
    void onlyReadyDescriptors()
    {
        std::vector<std::unique_ptr<SocketPair>> pairs;
        std::vector<std::unique_ptr<QSocketNotifier>> notifiers;
        std::vector<int> hits(64, 0);
        for (int i = 0; i < 64; ++i) {
            pairs.push_back(std::make_unique<SocketPair>());
            QVERIFY(pairs.back()->ok());
            notifiers.push_back(
                std::make_unique<QSocketNotifier>(pairs.back()->fd[0], QSocketNotifier::Read));
            const int fd = pairs.back()->fd[0];
            connect(notifiers.back().get(), &QSocketNotifier::activated, this, [&hits, i, fd] {
                ++hits[size_t(i)];
                drain(fd);
            });
        }
        for (int i : {3, 17, 42})
            QVERIFY(sendByte(pairs[size_t(i)]->fd[1]));
        QTRY_VERIFY(hits[3] && hits[17] && hits[42]);
        QTest::qWait(10);
        int total = 0;
        for (int h : hits)
            total += h;
        QCOMPARE(total, 3);
    }

    void servesHttpWithEitherDispatcher_data()
    {
        QTest::addColumn<QString>("loop");
        QTest::newRow("epoll") << QStringLiteral("epoll");
        QTest::newRow("qt") << QStringLiteral("qt");
    }
    void servesHttpWithEitherDispatcher()
    {
        QFETCH(QString, loop);
        cr::Settings settings = TestServer::defaults();
        settings.workerEventLoop = loop;
        settings.workers = 2;
        TestServer server(settings);
        QVERIFY(server.start());
        for (int c = 0; c < 4; ++c) { // connections spread over both workers
            RawClient client(server.port());
            QVERIFY(client.isConnected());
            for (int i = 0; i < 10; ++i) {
                client.send("GET /health HTTP/1.1\r\nHost: localhost\r\n\r\n");
                const auto r = client.read();
                QVERIFY(r);
                QCOMPARE(r->status, 200);
            }
        }
    }
};

int main(int argc, char **argv)
{
    QCoreApplication::setEventDispatcher(new EpollEventDispatcher);
    QCoreApplication app(argc, argv);
    TstHttpDispatcher test;
    return QTest::qExec(&test, argc, argv);
}

#include "tst_http_dispatcher.moc"
