#include "auth/PasswordHasher.h"

#include "auth/Base64Url.h"
#include "core/Clock.h"
#include "secrets/Sodium.h"

#include <QMetaObject>
#include <QObject>

#include <sodium.h>

namespace cr {
namespace {

// Delivers one answer to a context object's thread, safely against the context being destroyed
// meanwhile: the context's destroyed() (emitted in its own thread, before its posted events are
// discarded) clears the target under the same mutex the poster holds while posting.
struct Delivery
{
    QMutex mutex;
    QObject *target = nullptr;
    QMetaObject::Connection watch;

    static std::shared_ptr<Delivery> to(QObject *context)
    {
        auto d = std::make_shared<Delivery>();
        d->target = context;
        if (context) {
            d->watch =
                QObject::connect(context, &QObject::destroyed, [weak = std::weak_ptr<Delivery>(d)] {
                    if (const auto self = weak.lock()) {
                        QMutexLocker lock(&self->mutex);
                        self->target = nullptr;
                    }
                }); // no context object: a direct connection, run in the context's thread
        }
        return d;
    }

    static void post(const std::shared_ptr<Delivery> &d, std::function<void()> fn)
    {
        QMutexLocker lock(&d->mutex);
        if (!d->target)
            return;
        QMetaObject::invokeMethod(
            d->target,
            [d, fn = std::move(fn)] {
                QObject::disconnect(d->watch);
                fn();
            },
            Qt::QueuedConnection);
    }
};

QByteArray utf8Of(const QString &password)
{
    return password.normalized(QString::NormalizationForm_KC).toUtf8();
}

void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), size_t(bytes.size()));
    bytes.clear();
}

Error busy()
{
    return Error::make(ErrorCode::Overloaded, QStringLiteral("password hashing is busy"));
}

bool looksLikeArgon2(const QByteArray &encoded)
{
    return encoded.size() < crypto_pwhash_STRBYTES &&
           (encoded.startsWith("$argon2id$") || encoded.startsWith("$argon2i$"));
}

} // namespace

struct PasswordHasher::Job
{
    enum class Kind
    {
        Hash,
        Verify,
        Dummy
    };
    Kind kind = Kind::Hash;
    QByteArray password; // NFKC UTF-8; wiped after use
    QByteArray encoded;
    qint64 deadlineMs = 0;
    HashCallback onHash;
    VerifyCallback onVerify;
    std::shared_ptr<Delivery> delivery;
};

PasswordHasher::PasswordHasher(const Clock &clock)
    : PasswordHasher(clock, Options())
{}

PasswordHasher::PasswordHasher(const Clock &clock, Options options)
    : m_clock(clock)
    , m_options(options)
{
    ensureSodium();
    m_options.opsLimit = qBound(quint64(crypto_pwhash_OPSLIMIT_MIN), m_options.opsLimit,
                                quint64(crypto_pwhash_OPSLIMIT_MAX));
    m_options.memLimitBytes = qBound(size_t(crypto_pwhash_MEMLIMIT_MIN), m_options.memLimitBytes,
                                     size_t(4) * 1024 * 1024 * 1024);
    m_options.threads = qBound(1, m_options.threads, 16);
    m_options.queueCapacity = qMax(1, m_options.queueCapacity);
    m_options.queueTimeoutMs = qMax<qint64>(0, m_options.queueTimeoutMs);

    for (int i = 0; i < m_options.threads; ++i) {
        // The first worker computes the dummy hash before taking jobs: off the start-up path
        // (it costs one full hash and its memory), and ready long before the first login.
        std::unique_ptr<QThread> thread(QThread::create([this, i] {
            if (i == 0)
                dummyHash();
            workerLoop();
        }));
        thread->setObjectName(QStringLiteral("cr-pwhash-%1").arg(i));
        thread->start(m_options.priority);
        m_threads.push_back(std::move(thread));
    }
}

PasswordHasher::~PasswordHasher()
{
    {
        QMutexLocker lock(&m_mutex);
        m_stopping = true;
        m_wake.wakeAll();
    }
    for (const auto &thread : m_threads)
        thread->wait();
    std::deque<Job> left;
    {
        QMutexLocker lock(&m_mutex);
        left.swap(m_queue);
    }
    for (Job &job : left)
        fail(job, Error::make(ErrorCode::Overloaded, QStringLiteral("password hasher stopped")));
}

void PasswordHasher::hash(const QString &password, QObject *context, HashCallback done)
{
    Job job;
    job.kind = Job::Kind::Hash;
    job.password = utf8Of(password);
    job.onHash = std::move(done);
    job.delivery = Delivery::to(context);
    submit(std::move(job));
}

void PasswordHasher::verify(const QString &password, const QByteArray &encodedHash,
                            QObject *context, VerifyCallback done)
{
    Job job;
    job.kind = Job::Kind::Verify;
    job.password = utf8Of(password);
    job.encoded = encodedHash;
    job.onVerify = std::move(done);
    job.delivery = Delivery::to(context);
    submit(std::move(job));
}

void PasswordHasher::verifyDummy(const QString &password, QObject *context, VerifyCallback done)
{
    Job job;
    job.kind = Job::Kind::Dummy;
    job.password = utf8Of(password);
    // Filled in by the worker (dummyHash()), which may still be computing it.
    job.onVerify = std::move(done);
    job.delivery = Delivery::to(context);
    submit(std::move(job));
}

void PasswordHasher::submit(Job job)
{
    Q_ASSERT_X(job.delivery->target, "PasswordHasher", "a context object is required");
    const qint64 now = m_clock.monotonicMs();
    job.deadlineMs = now + m_options.queueTimeoutMs;
    std::vector<Job> expired;
    bool accepted = false;
    {
        QMutexLocker lock(&m_mutex);
        takeExpiredLocked(now, expired);
        if (!m_stopping && int(m_queue.size()) < m_options.queueCapacity) {
            m_queue.push_back(std::move(job));
            m_wake.wakeOne();
            accepted = true;
        }
    }
    for (Job &old : expired)
        fail(old, busy());
    if (!accepted)
        fail(job, busy());
}

void PasswordHasher::takeExpiredLocked(qint64 nowMs, std::vector<Job> &out)
{
    // Every job gets the same timeout, so deadlines grow along the queue.
    while (!m_queue.empty() && nowMs > m_queue.front().deadlineMs) {
        out.push_back(std::move(m_queue.front()));
        m_queue.pop_front();
    }
}

void PasswordHasher::fail(Job &job, const Error &error)
{
    wipe(job.password);
    if (job.kind == Job::Kind::Hash)
        Delivery::post(job.delivery, [cb = std::move(job.onHash), error] { cb(error); });
    else
        Delivery::post(job.delivery, [cb = std::move(job.onVerify), error] { cb(error); });
}

const QByteArray &PasswordHasher::dummyHash() const
{
    // A random password nobody knows, hashed with the current parameters, once.
    std::call_once(m_dummyOnce, [this] {
        unsigned char random[32];
        randombytes_buf(random, sizeof random);
        const Result<QByteArray> dummy = hashNow(QString::fromLatin1(Base64Url::encode(
            QByteArrayView(reinterpret_cast<const char *>(random), sizeof random))));
        sodium_memzero(random, sizeof random);
        if (!dummy)
            qFatal("cannot compute the dummy password hash (out of memory?)");
        m_dummyHash = dummy.value();
    });
    return m_dummyHash;
}

void PasswordHasher::workerLoop()
{
    for (;;) {
        Job job;
        std::vector<Job> expired;
        bool haveJob = false;
        {
            QMutexLocker lock(&m_mutex);
            while (!m_stopping && (m_paused || m_queue.empty()))
                m_wake.wait(&m_mutex);
            if (m_stopping)
                return;
            takeExpiredLocked(m_clock.monotonicMs(), expired);
            if (!m_queue.empty()) {
                job = std::move(m_queue.front());
                m_queue.pop_front();
                haveJob = true;
            }
        }
        for (Job &old : expired)
            fail(old, busy());
        if (haveJob)
            run(job);
    }
}

void PasswordHasher::run(Job &job) const
{
    if (job.kind == Job::Kind::Hash) {
        Result<QByteArray> result = Error::make(ErrorCode::Internal, QString());
        char out[crypto_pwhash_STRBYTES];
        if (crypto_pwhash_str(out, job.password.constData(), quint64(job.password.size()),
                              m_options.opsLimit, m_options.memLimitBytes) == 0)
            result = QByteArray(out);
        else
            result = Error::make(ErrorCode::Internal, QStringLiteral("password hashing failed"));
        wipe(job.password);
        Delivery::post(job.delivery, [cb = std::move(job.onHash), result] { cb(result); });
        return;
    }
    Result<bool> result = false;
    if (job.kind == Job::Kind::Dummy)
        job.encoded = dummyHash();
    if (!looksLikeArgon2(job.encoded)) {
        result =
            Error::make(ErrorCode::Internal, QStringLiteral("stored password hash is malformed"));
    } else {
        const QByteArray encoded(job.encoded.constData(), job.encoded.size()); // NUL-terminated
        const bool match = crypto_pwhash_str_verify(encoded.constData(), job.password.constData(),
                                                    quint64(job.password.size())) == 0;
        result = match && job.kind == Job::Kind::Verify;
    }
    wipe(job.password);
    Delivery::post(job.delivery, [cb = std::move(job.onVerify), result] { cb(result); });
}

Result<QByteArray> PasswordHasher::hashNow(const QString &password) const
{
    QByteArray utf8 = utf8Of(password);
    char out[crypto_pwhash_STRBYTES];
    const int rc = crypto_pwhash_str(out, utf8.constData(), quint64(utf8.size()),
                                     m_options.opsLimit, m_options.memLimitBytes);
    wipe(utf8);
    if (rc != 0)
        return Error::make(ErrorCode::Internal, QStringLiteral("password hashing failed"));
    return QByteArray(out);
}

Result<bool> PasswordHasher::verifyNow(const QString &password, const QByteArray &encodedHash) const
{
    if (!looksLikeArgon2(encodedHash))
        return Error::make(ErrorCode::Internal,
                           QStringLiteral("stored password hash is malformed"));
    QByteArray utf8 = utf8Of(password);
    const QByteArray encoded(encodedHash.constData(), encodedHash.size());
    const bool match =
        crypto_pwhash_str_verify(encoded.constData(), utf8.constData(), quint64(utf8.size())) == 0;
    wipe(utf8);
    return match;
}

bool PasswordHasher::needsRehash(const QByteArray &encodedHash) const
{
    if (!looksLikeArgon2(encodedHash))
        return true;
    const QByteArray encoded(encodedHash.constData(), encodedHash.size());
    return crypto_pwhash_str_needs_rehash(encoded.constData(), m_options.opsLimit,
                                          m_options.memLimitBytes) != 0;
}

void PasswordHasher::setPaused(bool paused)
{
    QMutexLocker lock(&m_mutex);
    m_paused = paused;
    if (!paused)
        m_wake.wakeAll();
}

int PasswordHasher::queuedJobs() const
{
    QMutexLocker lock(&m_mutex);
    return int(m_queue.size());
}

} // namespace cr
