#include "secrets/SecretStoreCall.h"

#include "secrets/SecretsLogging.h"

#include <QThread>

namespace cr {

SecretStoreCall::SecretStoreCall(QObject *context, int timeoutMs, QString location,
                                 SecretStore::ReadCallback done)
    : QObject(context)
    , m_location(std::move(location))
    , m_read(std::move(done))
{
    start(context, timeoutMs);
}

SecretStoreCall::SecretStoreCall(QObject *context, int timeoutMs, QString location,
                                 SecretStore::WriteCallback done)
    : QObject(context)
    , m_location(std::move(location))
    , m_write(std::move(done))
{
    start(context, timeoutMs);
}

SecretStoreCall::~SecretStoreCall() = default;

void SecretStoreCall::start(QObject *context, int timeoutMs)
{
    Q_ASSERT_X(context && context->thread() == QThread::currentThread(), "SecretStore",
               "call from the thread the context lives in");
    m_timer.setSingleShot(true);
    connect(&m_timer, &QTimer::timeout, this, &SecretStoreCall::timedOut);
    m_timer.start(qMax(0, timeoutMs));
}

void SecretStoreCall::answerRead(Result<SecretStore::MaybeKey> result)
{
    if (m_answered || !m_read)
        return;
    m_answered = true;
    m_timer.stop();
    if (result.ok() && result.value() && result.value()->size() != SecretStore::kKeyBytes) {
        const qsizetype size = result.value()->size();
        result = Error::make(ErrorCode::ValidationError,
                             QStringLiteral("%1 holds %2 bytes, not a %3-byte master key")
                                 .arg(m_location)
                                 .arg(size)
                                 .arg(SecretStore::kKeyBytes));
    }
    m_readResult.emplace(std::move(result));
    // Never inside the caller's frame: from the event loop, like every other answer.
    QMetaObject::invokeMethod(this, &SecretStoreCall::deliver, Qt::QueuedConnection);
}

void SecretStoreCall::answerWrite(Status status)
{
    if (m_answered || !m_write)
        return;
    m_answered = true;
    m_timer.stop();
    m_writeResult = std::move(status);
    QMetaObject::invokeMethod(this, &SecretStoreCall::deliver, Qt::QueuedConnection);
}

void SecretStoreCall::timedOut()
{
    if (m_answered)
        return;
    qCWarning(lcSecrets).noquote()
        << m_location << "did not answer within" << m_timer.interval() << "ms";
    const Error error = Error::make(ErrorCode::DependencyUnavailable,
                                    QStringLiteral("secret store did not answer within %1 ms (%2)")
                                        .arg(m_timer.interval())
                                        .arg(m_location));
    if (m_read)
        answerRead(error);
    else
        answerWrite(error);
}

void SecretStoreCall::deliver()
{
    // The callback may destroy the context, and with it this object: take what is needed first
    // and touch no member afterwards.
    deleteLater();
    if (m_read) {
        SecretStore::ReadCallback done = std::move(m_read);
        Result<SecretStore::MaybeKey> result = std::move(*m_readResult);
        m_readResult.reset();
        done(std::move(result));
    } else if (m_write) {
        SecretStore::WriteCallback done = std::move(m_write);
        const Status status = m_writeResult;
        done(status);
    }
}

} // namespace cr
