#pragma once

#include "core/Result.h"
#include "store/ConnectionFactory.h"
#include "store/Db.h"
#include "store/Delivery.h"

#include <condition_variable>
#include <deque>
#include <exception>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QObject;
class QThread;

namespace cr {

class CircuitBreaker;

// M threads, each owning one database connection opened in that thread, running jobs for
// threads that must not block (HTTP workers):
//
//     pool.run<User>(this,
//         [id](Db &db) -> Result<User> { ... db.query(Sql("SELECT ..."), {id}) ... },
//         [reply](Result<User> user) { ... });   // later, in this object's thread
//
// `job` runs on a pool thread; `done` is always delivered queued to the context's thread (and
// dropped if the context is destroyed first), also when the job was refused: OVERLOADED when
// the bounded queue is full, DEPENDENCY_UNAVAILABLE once the pool is stopping. Every job that
// is accepted is answered exactly once. Thread-safe.
//
// With a circuit breaker (setBreaker), a job is refused with DEPENDENCY_UNAVAILABLE and a
// Retry-After while the breaker is open: at once when it is submitted, or when it reaches a
// thread after the breaker opened. Each job that ran is recorded: a failure when one of its
// statements found the database unavailable (Db::Activity::outages: a lost or refused
// connection, a timeout; never a constraint violation), a success when its statements worked,
// nothing when it ran none.
class StoragePool
{
public:
    struct Options
    {
        int threads = 2;          // the storageThreads setting
        int queueCapacity = 1024; // jobs waiting for a thread; more are refused
    };

    explicit StoragePool(ConnectionFactory factory);
    StoragePool(ConnectionFactory factory, Options options);
    ~StoragePool(); // stop()
    StoragePool(const StoragePool &) = delete;
    StoragePool &operator=(const StoragePool &) = delete;

    // Before start(): the breaker of the database (CircuitBreakers "database"); none: jobs are
    // never refused for it.
    void setBreaker(std::shared_ptr<CircuitBreaker> breaker);
    // Before start(): told the duration and outcome of every statement, in the pool thread
    // that ran it (coderunner_db_query_duration_seconds). Must be thread-safe.
    void setQueryObserver(Db::Observer observer);
    const std::shared_ptr<CircuitBreaker> &breaker() const { return m_breaker; }

    // Starts the threads; each opens its connection (and opens it again later if that fails).
    void start();
    // Answers every queued job DEPENDENCY_UNAVAILABLE, lets running jobs finish, joins the
    // threads (each removes its connection itself). Further jobs are refused. Idempotent.
    void stop();

    bool isRunning() const;
    int threadCount() const { return m_options.threads; }
    int queueCapacity() const { return m_options.queueCapacity; }
    int queued() const;
    const DatabaseConfig &config() const { return m_factory.config(); }

    template<class T>
    void run(QObject *context, std::function<Result<T>(Db &)> job,
             std::function<void(Result<T>)> done);

private:
    // Called once: with the thread's Db to run, or with the reason the job will not run.
    using Task = std::function<void(Db *db, const Error *refusal)>;
    void submit(Task task);
    void work(int index);
    void runTask(Task &task, Db &db);
    static Error jobFailed(const std::exception *e);

    ConnectionFactory m_factory;
    Options m_options;
    std::shared_ptr<CircuitBreaker> m_breaker;
    Db::Observer m_observer;
    mutable std::mutex m_mutex;
    std::condition_variable m_wake;
    std::deque<Task> m_queue;
    std::vector<QThread *> m_threads;
    bool m_started = false;
    bool m_stopping = false;
};

template<class T>
void StoragePool::run(QObject *context, std::function<Result<T>(Db &)> job,
                      std::function<void(Result<T>)> done)
{
    auto delivery = std::make_shared<Delivery>(context);
    submit([job = std::move(job), done = std::move(done), delivery](Db *db, const Error *refusal) {
        std::shared_ptr<Result<T>> result;
        if (refusal) {
            result = std::make_shared<Result<T>>(*refusal);
        } else {
            try {
                result = std::make_shared<Result<T>>(job(*db));
            } catch (const std::exception &e) {
                result = std::make_shared<Result<T>>(jobFailed(&e));
            } catch (...) {
                result = std::make_shared<Result<T>>(jobFailed(nullptr));
            }
        }
        delivery->post([done, result] { done(std::move(*result)); });
    });
}

} // namespace cr
