#include "exec/SandboxCapabilities.h"

#include <QDir>
#include <QFile>
#include <QProcess>
#include <QRegularExpression>
#include <QStandardPaths>

#include <cerrno>

#include <linux/seccomp.h>
#include <sched.h>
#include <sys/prctl.h>
#include <sys/statfs.h>
#include <sys/wait.h>
#include <unistd.h>

namespace cr {
namespace {

constexpr long kCgroup2Magic = 0x63677270;
constexpr long kTmpfsMagic = 0x01021994;
constexpr long kCgroup1Magic = 0x27e0eb;
constexpr int kBwrapTimeoutMs = 3000;

QString readTrimmed(const QString &path)
{
    QFile f(path);
    if (!f.open(QIODevice::ReadOnly))
        return QString();
    return QString::fromLatin1(f.readAll()).trimmed();
}

} // namespace

SandboxCapabilities SandboxCapabilities::detect()
{
    SandboxCapabilities c;
    c.bubblewrap = findBubblewrap();
    c.userNamespaces = tryUserNamespace(&c.userNamespacesDetail);
    detectSeccomp(&c.seccomp, &c.seccompFilter);
    c.cgroupVersion = cgroupVersionOf(QStringLiteral("/sys/fs/cgroup"));
    c.detected = true;
    return c;
}

SandboxCapabilities::Bubblewrap SandboxCapabilities::findBubblewrap()
{
    Bubblewrap b;
    b.path = QStandardPaths::findExecutable(QStringLiteral("bwrap"));
    if (b.path.isEmpty())
        return b;
    QProcess p;
    p.start(b.path, {QStringLiteral("--version")});
    if (p.waitForFinished(kBwrapTimeoutMs) && p.exitStatus() == QProcess::NormalExit &&
        p.exitCode() == 0) {
        // "bubblewrap 0.8.0"
        const QString out = QString::fromUtf8(p.readAllStandardOutput()).trimmed();
        const QRegularExpressionMatch m =
            QRegularExpression(QStringLiteral("(\\d+(?:\\.\\d+)+)")).match(out);
        b.version = m.hasMatch() ? m.captured(1) : out.left(40);
        b.available = true;
    } else {
        p.kill();
        p.waitForFinished(kBwrapTimeoutMs);
    }
    return b;
}

// A child process tries unshare(CLONE_NEWUSER): the only sure answer (sysctls differ between
// distributions, and AppArmor or seccomp policies can refuse it anyway). The child makes one
// system call and exits, which is safe after fork() in a threaded process.
bool SandboxCapabilities::tryUserNamespace(QString *detail)
{
    if (readTrimmed(QStringLiteral("/proc/sys/kernel/unprivileged_userns_clone")) == u"0") {
        *detail = QStringLiteral("kernel.unprivileged_userns_clone is 0");
        return false;
    }
    if (readTrimmed(QStringLiteral("/proc/sys/user/max_user_namespaces")) == u"0") {
        *detail = QStringLiteral("user.max_user_namespaces is 0");
        return false;
    }
    const pid_t pid = fork();
    if (pid < 0) {
        *detail = QStringLiteral("could not fork to try");
        return false;
    }
    if (pid == 0)
        _exit(unshare(CLONE_NEWUSER) == 0 ? 0 : 1);
    int status = 0;
    while (waitpid(pid, &status, 0) < 0 && errno == EINTR) {
    }
    const bool ok = WIFEXITED(status) && WEXITSTATUS(status) == 0;
    *detail = ok ? (geteuid() == 0 ? QStringLiteral("usable (running as root)")
                                   : QStringLiteral("usable"))
                 : QStringLiteral("unshare(CLONE_NEWUSER) is refused");
    return ok;
}

// PR_GET_SECCOMP answers when the kernel has seccomp. Setting a filter from a null program
// fails with EFAULT when filters are supported (the program is read before anything else is
// checked) and EINVAL when they are not: nothing is installed either way.
void SandboxCapabilities::detectSeccomp(bool *available, bool *filter)
{
    *available = prctl(PR_GET_SECCOMP, 0, 0, 0, 0) >= 0;
    *filter = false;
    if (!*available)
        return;
    errno = 0;
    const int r = prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, nullptr, 0, 0);
    *filter = r < 0 && errno == EFAULT;
}

QString SandboxCapabilities::cgroupVersionOf(const QString &mountPoint)
{
    struct statfs fs = {};
    if (statfs(QFile::encodeName(mountPoint).constData(), &fs) != 0)
        return QStringLiteral("none");
    const long type = long(fs.f_type);
    if (type == kCgroup2Magic)
        return QStringLiteral("v2");
    if (type == kTmpfsMagic || type == kCgroup1Magic) {
        struct statfs unified = {};
        const QByteArray path = QFile::encodeName(mountPoint + QStringLiteral("/unified"));
        if (statfs(path.constData(), &unified) == 0 && long(unified.f_type) == kCgroup2Magic &&
            QDir(mountPoint + QStringLiteral("/unified")).exists(QStringLiteral("cgroup.procs")) &&
            !QDir(mountPoint).exists(QStringLiteral("memory")))
            return QStringLiteral("hybrid");
        return QDir(mountPoint).isEmpty() ? QStringLiteral("none") : QStringLiteral("v1");
    }
    return QStringLiteral("none");
}

QJsonObject SandboxCapabilities::toJson() const
{
    if (!detected)
        return QJsonObject{{QStringLiteral("detected"), false}};
    QJsonObject bwrap{{QStringLiteral("available"), bubblewrap.available}};
    if (!bubblewrap.path.isEmpty())
        bwrap.insert(QStringLiteral("path"), bubblewrap.path);
    if (!bubblewrap.version.isEmpty())
        bwrap.insert(QStringLiteral("version"), bubblewrap.version);
    return QJsonObject{
        {QStringLiteral("detected"), true},
        {QStringLiteral("ready"),
         bubblewrap.available && userNamespaces && seccompFilter && cgroupVersion != u"none"},
        {QStringLiteral("bubblewrap"), bwrap},
        {QStringLiteral("userNamespaces"),
         QJsonObject{{QStringLiteral("available"), userNamespaces},
                     {QStringLiteral("detail"), userNamespacesDetail}}},
        {QStringLiteral("seccomp"), QJsonObject{{QStringLiteral("available"), seccomp},
                                                {QStringLiteral("filter"), seccompFilter}}},
        {QStringLiteral("cgroups"), QJsonObject{{QStringLiteral("version"), cgroupVersion}}}};
}

} // namespace cr
