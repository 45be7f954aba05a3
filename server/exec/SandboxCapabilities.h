#pragma once

#include <QJsonObject>
#include <QString>

namespace cr {

// What this host offers the code-execution sandbox (CONTRACT §4, /api/admin/system): the
// bubblewrap binary, unprivileged user namespaces, seccomp filters and the cgroup hierarchy.
// detect() looks (it runs `bwrap --version` and forks a short-lived child to try a user
// namespace), so it belongs on a background thread; SandboxProbe runs it once at start.
// Nothing secret is reported: paths, versions and yes/no.
class SandboxCapabilities
{
public:
    struct Bubblewrap
    {
        bool available = false;
        QString path;
        QString version;
    };

    Bubblewrap bubblewrap;
    bool userNamespaces = false;
    QString userNamespacesDetail;
    bool seccomp = false;       // the kernel has seccomp
    bool seccompFilter = false; // ... with BPF filters (what a sandbox installs)
    QString cgroupVersion;      // "v1", "v2", "hybrid" (v1 with a v2 "unified" mount) or "none"
    bool detected = false;

    static SandboxCapabilities detect();
    // {"detected":false} before detection; otherwise {detected, ready, bubblewrap{available,
    // path, version}, userNamespaces{available, detail}, seccomp{available, filter},
    // cgroups{version}}. ready: everything the sandbox needs is there.
    QJsonObject toJson() const;

private:
    static Bubblewrap findBubblewrap();
    static bool tryUserNamespace(QString *detail);
    static void detectSeccomp(bool *available, bool *filter);
    static QString cgroupVersionOf(const QString &mountPoint);
};

} // namespace cr
