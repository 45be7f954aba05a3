#include "store/StoragePool.h"

#include "core/CircuitBreaker.h"
#include "store/Db.h"
#include "store/StoreLogging.h"

#include <QThread>

namespace cr {

StoragePool::StoragePool(ConnectionFactory factory)
    : StoragePool(std::move(factory), Options())
{}

StoragePool::StoragePool(ConnectionFactory factory, Options options)
    : m_factory(std::move(factory))
    , m_options(options)
{
    m_options.threads = qMax(1, m_options.threads);
    m_options.queueCapacity = qMax(1, m_options.queueCapacity);
}

StoragePool::~StoragePool()
{
    stop();
}

void StoragePool::setBreaker(std::shared_ptr<CircuitBreaker> breaker)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Q_ASSERT_X(!m_started, "cr::StoragePool::setBreaker", "call before start()");
    m_breaker = std::move(breaker);
}

void StoragePool::setQueryObserver(Db::Observer observer)
{
    std::lock_guard<std::mutex> lock(m_mutex);
    Q_ASSERT_X(!m_started, "cr::StoragePool::setQueryObserver", "call before start()");
    m_observer = std::move(observer);
}

void StoragePool::start()
{
    std::lock_guard<std::mutex> lock(m_mutex);
    if (m_started || m_stopping)
        return;
    m_started = true;
    for (int i = 0; i < m_options.threads; ++i) {
        QThread *thread = QThread::create([this, i] { work(i); });
        thread->setObjectName(QStringLiteral("cr-storage-%1").arg(i + 1));
        m_threads.push_back(thread);
        thread->start();
    }
    qCInfo(lcStore).noquote() << "storage pool:" << m_options.threads << "threads on"
                              << m_factory.config().redacted();
}

void StoragePool::stop()
{
    std::deque<Task> pending;
    std::vector<QThread *> threads;
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        m_stopping = true;
        pending.swap(m_queue);
        threads.swap(m_threads);
    }
    m_wake.notify_all();
    const Error refusal = Error::make(ErrorCode::DependencyUnavailable,
                                      QStringLiteral("the storage service is shutting down"));
    for (Task &task : pending)
        task(nullptr, &refusal);
    for (QThread *thread : threads) {
        Q_ASSERT_X(thread != QThread::currentThread(), "cr::StoragePool::stop",
                   "a storage job cannot stop its own pool");
        thread->wait();
        delete thread;
    }
}

bool StoragePool::isRunning() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return m_started && !m_stopping;
}

int StoragePool::queued() const
{
    std::lock_guard<std::mutex> lock(m_mutex);
    return int(m_queue.size());
}

void StoragePool::submit(Task task)
{
    Error refusal;
    if (m_breaker) {
        // Open and still cooling down: fail fast without queueing.
        const CircuitBreaker::Status st = m_breaker->status();
        if (st.state == CircuitBreaker::State::Open && st.retryAfterMs > 0) {
            CircuitBreaker::Permit refused;
            refused.retryAfterMs = st.retryAfterMs;
            refusal = m_breaker->refusal(refused);
            task(nullptr, &refusal);
            return;
        }
    }
    {
        std::lock_guard<std::mutex> lock(m_mutex);
        if (m_stopping) {
            refusal = Error::make(ErrorCode::DependencyUnavailable,
                                  QStringLiteral("the storage service is shutting down"));
        } else if (int(m_queue.size()) >= m_options.queueCapacity) {
            refusal = Error::make(ErrorCode::Overloaded,
                                  QStringLiteral("the storage queue is full; try again later"));
        } else {
            m_queue.push_back(std::move(task));
            m_wake.notify_one();
            return;
        }
    }
    task(nullptr, &refusal); // answered through the context's queue like any other job
}

void StoragePool::work(int index)
{
    std::unique_ptr<Db> db = m_factory.create(QStringLiteral("pool%1").arg(index + 1));
    db->setObserver(m_observer);
    if (Status st = db->open(); !st)
        qCWarning(lcStore).noquote() << "storage thread" << index + 1
                                     << "could not open its connection yet:" << st.error().message;
    for (;;) {
        Task task;
        {
            std::unique_lock<std::mutex> lock(m_mutex);
            m_wake.wait(lock, [this] { return m_stopping || !m_queue.empty(); });
            if (m_queue.empty())
                break; // stopping
            task = std::move(m_queue.front());
            m_queue.pop_front();
        }
        runTask(task, *db);
    }
    db.reset(); // the connection is closed and removed in the thread that opened it
}

void StoragePool::runTask(Task &task, Db &db)
{
    if (!m_breaker) {
        task(&db, nullptr);
        return;
    }
    const CircuitBreaker::Permit permit = m_breaker->acquire();
    if (!permit.allowed) {
        const Error refusal = m_breaker->refusal(permit);
        task(nullptr, &refusal);
        return;
    }
    db.takeActivity(); // only this job's statements count
    task(&db, nullptr);
    const Db::Activity activity = db.takeActivity();
    if (activity.outages > 0)
        m_breaker->recordFailure(permit);
    else if (activity.succeeded > 0)
        m_breaker->recordSuccess(permit);
    else
        m_breaker->release(permit);
}

Error StoragePool::jobFailed(const std::exception *e)
{
    qCWarning(lcStore) << "a storage job threw:" << (e ? e->what() : "unknown exception");
    return Error::make(ErrorCode::Internal, QStringLiteral("the storage job failed"));
}

} // namespace cr
