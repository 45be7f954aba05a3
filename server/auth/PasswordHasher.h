#pragma once

#include "core/Result.h"

#include <QByteArray>
#include <QMutex>
#include <QString>
#include <QThread>
#include <QWaitCondition>

#include <deque>
#include <functional>
#include <memory>
#include <mutex>
#include <vector>

class QObject;

namespace cr {

class Clock;

// Argon2id password hashing (libsodium crypto_pwhash_str / crypto_pwhash_str_verify) off the
// request threads: a small pool of idle-priority threads takes jobs from a bounded queue.
//  - a submit while the queue is full, and a job still queued past its deadline (submit time +
//    queueTimeoutMs, read from the Clock), are answered with ErrorCode::Overloaded without doing
//    the work, so a login flood sheds load instead of queueing without end;
//  - every answer is delivered asynchronously, queued to the context object's thread (never from
//    inside the submitting call); the context is required, and if it is destroyed first the
//    answer is dropped;
//  - verifyDummy() does the same work as a real verify against a hash of a random password made
//    at construction, for logins of unknown accounts: the response time does not reveal whether
//    an account exists;
//  - passwords are NFKC-normalised before hashing (as PasswordPolicy checks them), so the same
//    password typed in another Unicode form still verifies; the UTF-8 copy is wiped after use.
// Costs are in docs/AUTH.md (measured on the project machine).
class PasswordHasher
{
public:
    struct Options
    {
        quint64 opsLimit = 2;                            // Argon2 passes
        size_t memLimitBytes = size_t(46) * 1024 * 1024; // Argon2 memory
        int threads = 2;
        int queueCapacity = 64;
        qint64 queueTimeoutMs = 5000;
        QThread::Priority priority = QThread::IdlePriority;
    };

    using HashCallback = std::function<void(Result<QByteArray>)>;
    // true: the password matches; false: it does not. An error for a malformed stored hash,
    // Overloaded, or Internal.
    using VerifyCallback = std::function<void(Result<bool>)>;

    explicit PasswordHasher(const Clock &clock);
    PasswordHasher(const Clock &clock, Options options);
    // Stops the threads after their current job; jobs still queued are answered Overloaded.
    ~PasswordHasher();
    PasswordHasher(const PasswordHasher &) = delete;
    PasswordHasher &operator=(const PasswordHasher &) = delete;

    void hash(const QString &password, QObject *context, HashCallback done);
    void verify(const QString &password, const QByteArray &encodedHash, QObject *context,
                VerifyCallback done);
    // Same work as verify(), always answers false.
    void verifyDummy(const QString &password, QObject *context, VerifyCallback done);

    // Whether a stored hash was made with other parameters than the current ones (or is not a
    // hash we can read): re-hash after the next successful login.
    bool needsRehash(const QByteArray &encodedHash) const;

    // The same work synchronously on the calling thread (tools, tests, measurement).
    Result<QByteArray> hashNow(const QString &password) const;
    Result<bool> verifyNow(const QString &password, const QByteArray &encodedHash) const;

    // While paused the threads take no new jobs (they still queue, and still time out).
    void setPaused(bool paused);
    int queuedJobs() const;
    const Options &options() const { return m_options; }

    struct Job;

private:
    void submit(Job job);
    void takeExpiredLocked(qint64 nowMs, std::vector<Job> &out);
    void workerLoop();
    const QByteArray &dummyHash() const;
    void run(Job &job) const;
    static void fail(Job &job, const Error &error);

    const Clock &m_clock;
    Options m_options;
    mutable std::once_flag m_dummyOnce;
    mutable QByteArray m_dummyHash;

    mutable QMutex m_mutex;
    QWaitCondition m_wake;
    std::deque<Job> m_queue;
    bool m_paused = false;
    bool m_stopping = false;
    std::vector<std::unique_ptr<QThread>> m_threads;
};

} // namespace cr
