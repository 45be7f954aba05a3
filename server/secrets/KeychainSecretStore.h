#pragma once

#include "secrets/SecretStore.h"

#include <QString>

namespace cr {

// The master key in the OS keychain through QtKeychain (the Secret Service on Linux, the
// Keychain on macOS, the Credential Manager on Windows): the desktops' store. One entry, key
// "master-key", under a service name ("CodeRunner"; tests use a unique one), written as binary
// data. Never with QtKeychain's insecure fallback (a plain-text QSettings file).
//
// Each operation is one QtKeychain job (auto-deleting) bounded by the store's timeout. A job
// that never finishes (a locked keychain waiting for a prompt nobody answers) is answered
// DEPENDENCY_UNAVAILABLE after the timeout; QtKeychain runs its jobs one after the other, so
// later operations then time out too. A missing entry is "not found"; anything else the
// keychain reports is DEPENDENCY_UNAVAILABLE with its words.
class KeychainSecretStore final : public SecretStore
{
public:
    explicit KeychainSecretStore(QString service = defaultService(),
                                 int timeoutMs = kDefaultTimeoutMs);

    static QString defaultService(); // "CodeRunner"
    static QString entryKey();       // "master-key"

    SecretStoreKind kind() const override { return SecretStoreKind::Keychain; }
    QString location() const override;
    const QString &service() const { return m_service; }

protected:
    void startRead(SecretStoreCall *call) override;
    void startWrite(QByteArrayView key, SecretStoreCall *call) override;
    void startRemove(SecretStoreCall *call) override;

private:
    QString m_service;
};

} // namespace cr
