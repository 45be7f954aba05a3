#pragma once

#include "secrets/SecretStore.h"

#include <QString>

namespace cr {

// The master key in a file of exactly 32 raw bytes (docs/SECRETS.md), the default of the
// headless server and the way to share one key between the instances of a cluster.
//
// Reading refuses, naming the path: a file readable or writable by group or others (mode must
// be 0600 or 0400), a file not owned by the user CodeRunner runs as, anything but a regular file
// (symbolic links are not followed), and a size other than 32 bytes. A missing file is "not
// found", not an error.
//
// Writing creates the file 0600 whatever the umask: a temporary file opened O_CREAT | O_EXCL
// with mode 0600 (and fchmod), written and fsync'ed, then renamed into place without replacing
// anything (renameat2 RENAME_NOREPLACE, or link where that is not supported) and the directory
// fsync'ed. An existing key file is never overwritten. A missing directory is created 0700.
//
// The file is small and local, so the work is done at once in the calling thread; the answer
// still arrives from the event loop like every store's.
class KeyFileSecretStore final : public SecretStore
{
public:
    explicit KeyFileSecretStore(QString path, int timeoutMs = kDefaultTimeoutMs);

    SecretStoreKind kind() const override { return SecretStoreKind::KeyFile; }
    QString location() const override;
    const QString &path() const { return m_path; }

    // The same operations, synchronous.
    Result<MaybeKey> read() const;
    Status write(QByteArrayView key) const;
    Status remove() const;

protected:
    void startRead(SecretStoreCall *call) override;
    void startWrite(QByteArrayView key, SecretStoreCall *call) override;
    void startRemove(SecretStoreCall *call) override;

private:
    Error failure(const QString &what, int error) const;

    QString m_path;
};

} // namespace cr
