#pragma once

#include "core/Result.h"
#include "secrets/SecretBytes.h"

#include <QByteArrayView>
#include <QString>
#include <QStringView>

#include <functional>
#include <optional>

class QObject;

namespace cr {

class SecretStoreCall;

// Where the master key lives. The names are those of the `secretStore` setting and of the
// database record (MasterKeyRecord).
enum class SecretStoreKind
{
    Keychain, // the OS keychain through QtKeychain (desktops)
    KeyFile,  // a 0600 file (headless servers; the same file on every instance of a cluster)
};

QString secretStoreKindName(SecretStoreKind kind); // "keychain" | "keyfile"
std::optional<SecretStoreKind> parseSecretStoreKind(QStringView name);

// Holds the one master key (docs/SECRETS.md). Asynchronous, because the keychain is: every
// operation answers exactly once, later, in the thread of `context` (never inside the call),
// and not at all once `context` is destroyed. Every operation is bounded by timeoutMs(): a store
// that does not answer in time is answered DEPENDENCY_UNAVAILABLE ("secret store did not
// answer"), and its late answer is dropped. Call from the thread `context` lives in.
//
// Reading distinguishes a missing entry (an empty optional) from a failure (an Error); a value
// that is not 32 bytes is refused. Writing never has to replace a key: callers read first.
class SecretStore
{
public:
    using MaybeKey = std::optional<SecretBytes>;
    using ReadCallback = std::function<void(Result<MaybeKey>)>;
    using WriteCallback = std::function<void(Status)>;

    static constexpr int kDefaultTimeoutMs = 5000; // the keychainTimeoutMs setting
    static constexpr qsizetype kKeyBytes = 32;

    explicit SecretStore(int timeoutMs = kDefaultTimeoutMs);
    virtual ~SecretStore();
    SecretStore(const SecretStore &) = delete;
    SecretStore &operator=(const SecretStore &) = delete;

    virtual SecretStoreKind kind() const = 0;
    // Where the key is, in words for messages: "the key file /var/lib/coderunner/master.key".
    virtual QString location() const = 0;

    int timeoutMs() const { return m_timeoutMs; }
    void setTimeoutMs(int ms) { m_timeoutMs = ms; }

    void readMasterKey(QObject *context, ReadCallback done);
    void writeMasterKey(QObject *context, QByteArrayView key, WriteCallback done);
    // For tests and operator tools: CodeRunner itself never removes a master key. Removing a
    // key that is not there succeeds.
    void removeMasterKey(QObject *context, WriteCallback done);

protected:
    // Implementations answer through `call` (answerRead / answerWrite), at once or later. The
    // call is deleted once answered, timed out or when the context goes: keep it in a QPointer
    // or make it the receiver of the connection that answers.
    virtual void startRead(SecretStoreCall *call) = 0;
    virtual void startWrite(QByteArrayView key, SecretStoreCall *call) = 0;
    virtual void startRemove(SecretStoreCall *call) = 0;

private:
    int m_timeoutMs;
};

} // namespace cr
