#pragma once

#include "core/Result.h"
#include "secrets/SecretStore.h"

#include <QObject>
#include <QString>
#include <QTimer>

#include <optional>

namespace cr {

// One pending secret-store operation: delivers exactly one answer to its callback, in the
// context's thread and from its event loop: the store's answer, or DEPENDENCY_UNAVAILABLE
// ("secret store did not answer") once the timeout passes, whichever comes first. A child of
// the context, so it (and its callback) goes away with it; deletes itself once it answered.
class SecretStoreCall final : public QObject
{
    Q_OBJECT

public:
    SecretStoreCall(QObject *context, int timeoutMs, QString location,
                    SecretStore::ReadCallback done);
    SecretStoreCall(QObject *context, int timeoutMs, QString location,
                    SecretStore::WriteCallback done);
    ~SecretStoreCall() override;

    const QString &location() const { return m_location; }
    bool isAnswered() const { return m_answered; }

    // The store's answer; only the first answer counts. answerRead refuses a key that is not
    // SecretStore::kKeyBytes long.
    void answerRead(Result<SecretStore::MaybeKey> result);
    void answerWrite(Status status);

private:
    void start(QObject *context, int timeoutMs);
    void timedOut();
    void deliver();

    QString m_location;
    QTimer m_timer;
    bool m_answered = false;
    SecretStore::ReadCallback m_read;
    SecretStore::WriteCallback m_write;
    std::optional<Result<SecretStore::MaybeKey>> m_readResult;
    Status m_writeResult;
};

} // namespace cr
