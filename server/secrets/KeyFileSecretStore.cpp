#include "secrets/KeyFileSecretStore.h"

#include "secrets/SecretStoreCall.h"
#include "secrets/SecretsLogging.h"

#include <QDir>
#include <QFile>
#include <QFileInfo>

#include <sodium.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>
#include <utility>

namespace cr {
namespace {

// Closes a file descriptor when it goes out of scope.
class Fd
{
public:
    explicit Fd(int fd)
        : m_fd(fd)
    {}
    ~Fd()
    {
        if (m_fd >= 0)
            ::close(m_fd);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return m_fd; }
    int release() { return std::exchange(m_fd, -1); }

private:
    int m_fd;
};

QString modeText(mode_t mode)
{
    return QStringLiteral("0%1").arg(uint(mode & 07777), 3, 8, QLatin1Char('0'));
}

QString errnoText(int error)
{
    return QString::fromLocal8Bit(std::strerror(error));
}

// Publishes `from` as `to` unless `to` exists: renameat2(RENAME_NOREPLACE) where the file system
// supports it, otherwise link + unlink. Either way an existing key file is never replaced.
int publishNoReplace(const QByteArray &from, const QByteArray &to)
{
#ifdef RENAME_NOREPLACE
    if (::renameat2(AT_FDCWD, from.constData(), AT_FDCWD, to.constData(), RENAME_NOREPLACE) == 0)
        return 0;
    if (errno != EINVAL && errno != ENOSYS && errno != ENOTSUP)
        return errno;
#endif
    if (::link(from.constData(), to.constData()) != 0)
        return errno;
    ::unlink(from.constData());
    return 0;
}

} // namespace

KeyFileSecretStore::KeyFileSecretStore(QString path, int timeoutMs)
    : SecretStore(timeoutMs)
    , m_path(QFileInfo(path).absoluteFilePath())
{}

QString KeyFileSecretStore::location() const
{
    return QStringLiteral("the key file ") + m_path;
}

Error KeyFileSecretStore::failure(const QString &what, int error) const
{
    return Error::make(
        ErrorCode::DependencyUnavailable,
        QStringLiteral("%1 the key file %2: %3").arg(what, m_path, errnoText(error)));
}

Result<SecretStore::MaybeKey> KeyFileSecretStore::read() const
{
    const QByteArray native = QFile::encodeName(m_path);
    Fd fd(::open(native.constData(), O_RDONLY | O_CLOEXEC | O_NOFOLLOW | O_NOCTTY));
    if (fd.get() < 0) {
        const int error = errno;
        if (error == ENOENT)
            return MaybeKey();
        if (error == ELOOP)
            return Error::make(ErrorCode::ValidationError,
                               QStringLiteral("the key file %1 is a symbolic link; point the "
                                              "keyFile setting at the file itself")
                                   .arg(m_path));
        return failure(QStringLiteral("cannot open"), error);
    }
    struct stat st;
    if (::fstat(fd.get(), &st) != 0)
        return failure(QStringLiteral("cannot inspect"), errno);
    if (!S_ISREG(st.st_mode))
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("the key file %1 is not a regular file").arg(m_path));
    if (st.st_uid != ::geteuid())
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("the key file %1 is owned by uid %2, not by the user "
                                          "CodeRunner runs as (uid %3); refusing to use it")
                               .arg(m_path)
                               .arg(st.st_uid)
                               .arg(::geteuid()));
    if ((st.st_mode & 077) != 0)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("the key file %1 has mode %2: group or others may "
                                          "access it; refusing to use it. It must be readable "
                                          "by its owner only: chmod 600 %1")
                               .arg(m_path, modeText(st.st_mode)));
    if (st.st_size != kKeyBytes)
        return Error::make(ErrorCode::ValidationError,
                           QStringLiteral("the key file %1 is %2 bytes; a master key file is "
                                          "exactly %3 bytes")
                               .arg(m_path)
                               .arg(qint64(st.st_size))
                               .arg(kKeyBytes));
    SecretBytes key(kKeyBytes);
    qsizetype got = 0;
    while (got < kKeyBytes) {
        const ssize_t n = ::read(fd.get(), key.data() + got, size_t(kKeyBytes - got));
        if (n < 0 && errno == EINTR)
            continue;
        if (n < 0)
            return failure(QStringLiteral("cannot read"), errno);
        if (n == 0)
            break;
        got += qsizetype(n);
    }
    if (got != kKeyBytes)
        return Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("the key file %1 changed size while it was read").arg(m_path));
    return MaybeKey(std::move(key));
}

Status KeyFileSecretStore::write(QByteArrayView key) const
{
    if (key.size() != kKeyBytes)
        return Error::make(
            ErrorCode::Internal,
            QStringLiteral("refusing to store a master key of %1 bytes").arg(key.size()));
    const QFileInfo info(m_path);
    const QString dir = info.absolutePath();
    if (!QFileInfo::exists(dir)) {
        if (!QDir().mkpath(dir))
            return Error::make(
                ErrorCode::DependencyUnavailable,
                QStringLiteral("cannot create the directory %1 for the key file").arg(dir));
        QFile::setPermissions(dir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    }

    const QByteArray target = QFile::encodeName(m_path);
    if (QFileInfo::exists(m_path) || info.isSymLink())
        return Error::make(ErrorCode::Conflict,
                           QStringLiteral("the key file %1 already exists; CodeRunner never "
                                          "overwrites a master key")
                               .arg(m_path));

    unsigned char suffix[6];
    randombytes_buf(suffix, sizeof suffix);
    const QByteArray temporary =
        target + ".tmp-" + QByteArray(reinterpret_cast<const char *>(suffix), 6).toHex();
    Fd fd(::open(temporary.constData(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW,
                 S_IRUSR | S_IWUSR));
    if (fd.get() < 0)
        return failure(QStringLiteral("cannot create a temporary file next to"), errno);
    auto discard = [&temporary](Fd &open) {
        ::close(open.release());
        ::unlink(temporary.constData());
    };
    // The mode given to open() passes through the umask, which can only take bits away: set
    // exactly 0600 regardless.
    if (::fchmod(fd.get(), S_IRUSR | S_IWUSR) != 0) {
        const int error = errno;
        discard(fd);
        return failure(QStringLiteral("cannot set the mode of"), error);
    }
    qsizetype done = 0;
    while (done < kKeyBytes) {
        const ssize_t n = ::write(fd.get(), key.data() + done, size_t(kKeyBytes - done));
        if (n < 0 && errno == EINTR)
            continue;
        if (n <= 0) {
            const int error = n < 0 ? errno : EIO;
            discard(fd);
            return failure(QStringLiteral("cannot write"), error);
        }
        done += qsizetype(n);
    }
    if (::fsync(fd.get()) != 0) {
        const int error = errno;
        discard(fd);
        return failure(QStringLiteral("cannot flush"), error);
    }
    if (::close(fd.release()) != 0) {
        const int error = errno;
        ::unlink(temporary.constData());
        return failure(QStringLiteral("cannot close"), error);
    }
    if (const int error = publishNoReplace(temporary, target); error != 0) {
        ::unlink(temporary.constData());
        if (error == EEXIST)
            return Error::make(ErrorCode::Conflict,
                               QStringLiteral("the key file %1 already exists; CodeRunner never "
                                              "overwrites a master key")
                                   .arg(m_path));
        return failure(QStringLiteral("cannot create"), error);
    }
    Fd dirFd(::open(QFile::encodeName(dir).constData(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
    if (dirFd.get() >= 0)
        ::fsync(dirFd.get()); // the new name survives a crash
    qCInfo(lcSecrets).noquote() << "created the key file" << m_path;
    return {};
}

Status KeyFileSecretStore::remove() const
{
    if (::unlink(QFile::encodeName(m_path).constData()) != 0 && errno != ENOENT)
        return failure(QStringLiteral("cannot remove"), errno);
    return {};
}

void KeyFileSecretStore::startRead(SecretStoreCall *call)
{
    call->answerRead(read());
}

void KeyFileSecretStore::startWrite(QByteArrayView key, SecretStoreCall *call)
{
    call->answerWrite(write(key));
}

void KeyFileSecretStore::startRemove(SecretStoreCall *call)
{
    call->answerWrite(remove());
}

} // namespace cr
