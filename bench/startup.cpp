// cr-bench-startup: time from spawning coderunner-server to its first successful GET /health,
// and its idle resident memory after a few requests. Plain POSIX, so the clock is exact.
//
//   cr-bench-startup --server PATH [--starts 5] [--poll-us 2000] [--timeout-ms 10000]
//                    [--idle-ms 1500] [--tmp DIR] [-- extra server arguments]
//
// Each start: picks a free loopback port, makes a fresh data directory under --tmp, spawns the
// server with --bind 127.0.0.1 --port P --data-dir D and the extra arguments, then polls
// GET /health every --poll-us (a new connection each try; a refused connect returns at once on
// loopback) until a 200 arrives. It then sends 5 more requests, waits --idle-ms, reads VmRSS and
// VmHWM from /proc/PID/status and stops the server (SIGTERM, SIGKILL after 5 s).
// One line per start on stdout:
//   start I first_ok_ms F listening_ms L tries N idle_rss_kb R hwm_kb H
// (listening_ms: when the "listening on" line reached our pipe.) Exit code 0 if every start
// succeeded.
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

extern char **environ;

namespace {

double nowMs()
{
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return double(ts.tv_sec) * 1000.0 + double(ts.tv_nsec) / 1e6;
}

void sleepUs(long us)
{
    timespec ts{us / 1000000, (us % 1000000) * 1000};
    while (nanosleep(&ts, &ts) != 0 && errno == EINTR) {
    }
}

int freePort()
{
    const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
    if (fd < 0)
        return -1;
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = 0;
    socklen_t len = sizeof a;
    int port = -1;
    if (::bind(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0 &&
        ::getsockname(fd, reinterpret_cast<sockaddr *>(&a), &len) == 0)
        port = ntohs(a.sin_port);
    ::close(fd);
    return port;
}

// One GET /health on a fresh connection. True on "HTTP/1.1 200".
bool getHealth(int port)
{
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
    if (fd < 0)
        return false;
    timeval tv{1, 0};
    setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
    setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &tv, sizeof tv);
    sockaddr_in a{};
    a.sin_family = AF_INET;
    a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    a.sin_port = htons(uint16_t(port));
    bool ok = false;
    if (::connect(fd, reinterpret_cast<sockaddr *>(&a), sizeof a) == 0) {
        const std::string req = "GET /health HTTP/1.1\r\nHost: 127.0.0.1:" + std::to_string(port) +
                                "\r\nConnection: close\r\n\r\n";
        if (::send(fd, req.data(), req.size(), MSG_NOSIGNAL) == ssize_t(req.size())) {
            std::string got;
            char buf[4096];
            for (int i = 0; i < 64; ++i) { // bounded: the response is ~1 KiB
                const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
                if (n <= 0)
                    break;
                got.append(buf, size_t(n));
                if (got.size() >= 12)
                    break;
            }
            ok = got.compare(0, 12, "HTTP/1.1 200") == 0;
        }
    }
    ::close(fd);
    return ok;
}

long statusKb(pid_t pid, const char *key)
{
    const std::string path = "/proc/" + std::to_string(pid) + "/status";
    FILE *f = std::fopen(path.c_str(), "r");
    if (!f)
        return -1;
    char line[256];
    long value = -1;
    const size_t keyLen = std::strlen(key);
    while (std::fgets(line, sizeof line, f)) {
        if (std::strncmp(line, key, keyLen) == 0 && line[keyLen] == ':') {
            value = std::strtol(line + keyLen + 1, nullptr, 10);
            break;
        }
    }
    std::fclose(f);
    return value;
}

void stopChild(pid_t pid)
{
    ::kill(pid, SIGTERM);
    const double deadline = nowMs() + 5000;
    while (nowMs() < deadline) {
        if (::waitpid(pid, nullptr, WNOHANG) == pid)
            return;
        sleepUs(5000);
    }
    ::kill(pid, SIGKILL);
    ::waitpid(pid, nullptr, 0);
}

long argValue(const char *text, long lo, long hi)
{
    const long v = std::strtol(text, nullptr, 10);
    return v < lo ? lo : (v > hi ? hi : v);
}

} // namespace

int main(int argc, char *argv[])
{
    std::string server;
    std::string tmp = std::getenv("TMPDIR") ? std::getenv("TMPDIR") : "/tmp";
    long starts = 5, pollUs = 2000, timeoutMs = 10000, idleMs = 1500;
    std::vector<std::string> extra;
    for (int i = 1; i < argc; ++i) {
        const std::string a = argv[i];
        const bool hasValue = i + 1 < argc;
        if (a == "--") {
            for (++i; i < argc; ++i)
                extra.emplace_back(argv[i]);
        } else if (a == "--server" && hasValue) {
            server = argv[++i];
        } else if (a == "--tmp" && hasValue) {
            tmp = argv[++i];
        } else if (a == "--starts" && hasValue) {
            starts = argValue(argv[++i], 1, 100);
        } else if (a == "--poll-us" && hasValue) {
            pollUs = argValue(argv[++i], 100, 1000000);
        } else if (a == "--timeout-ms" && hasValue) {
            timeoutMs = argValue(argv[++i], 100, 120000);
        } else if (a == "--idle-ms" && hasValue) {
            idleMs = argValue(argv[++i], 0, 60000);
        } else {
            std::fprintf(stderr,
                         "usage: cr-bench-startup --server PATH [--starts N] [--poll-us US] "
                         "[--timeout-ms MS] [--idle-ms MS] [--tmp DIR] [-- server args]\n");
            return 2;
        }
    }
    if (server.empty()) {
        std::fprintf(stderr, "cr-bench-startup: --server is required\n");
        return 2;
    }

    int failures = 0;
    for (long s = 1; s <= starts; ++s) {
        const int port = freePort();
        std::string dirTemplate = tmp + "/cr-startup-XXXXXX";
        std::vector<char> dirBuf(dirTemplate.begin(), dirTemplate.end());
        dirBuf.push_back('\0');
        if (port <= 0 || !mkdtemp(dirBuf.data())) {
            std::fprintf(stderr, "cr-bench-startup: no free port or temp dir\n");
            return 1;
        }
        const std::string dataDir(dirBuf.data());
        std::vector<std::string> args = {
            server,       "--bind",         "127.0.0.1", "--port", std::to_string(port),
            "--data-dir", dataDir + "/data"};
        args.insert(args.end(), extra.begin(), extra.end());
        std::vector<char *> cargs;
        for (std::string &a : args)
            cargs.push_back(a.data());
        cargs.push_back(nullptr);

        int out[2];
        if (::pipe2(out, O_CLOEXEC) != 0)
            return 1;
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_adddup2(&fa, out[1], 1);
        const std::string errPath = dataDir + "/stderr.log";
        posix_spawn_file_actions_addopen(&fa, 2, errPath.c_str(), O_WRONLY | O_CREAT | O_TRUNC,
                                         0600);
        pid_t pid = 0;
        const double t0 = nowMs();
        const int rc = posix_spawn(&pid, server.c_str(), &fa, nullptr, cargs.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        ::close(out[1]);
        if (rc != 0) {
            std::fprintf(stderr, "cr-bench-startup: cannot spawn %s: %s\n", server.c_str(),
                         std::strerror(rc));
            ::close(out[0]);
            return 1;
        }
        ::fcntl(out[0], F_SETFL, O_NONBLOCK);

        double firstOk = -1, listening = -1;
        long tries = 0;
        std::string outText;
        bool exited = false;
        while (nowMs() - t0 < double(timeoutMs)) {
            char buf[512];
            ssize_t n;
            while ((n = ::read(out[0], buf, sizeof buf)) > 0) {
                outText.append(buf, size_t(n));
                if (listening < 0 && outText.find('\n') != std::string::npos)
                    listening = nowMs() - t0;
            }
            ++tries;
            if (getHealth(port)) {
                firstOk = nowMs() - t0;
                break;
            }
            if (::waitpid(pid, nullptr, WNOHANG) == pid) {
                exited = true;
                break;
            }
            sleepUs(pollUs);
        }
        {
            char buf[512];
            ssize_t n;
            while ((n = ::read(out[0], buf, sizeof buf)) > 0) {
                outText.append(buf, size_t(n));
                if (listening < 0 && outText.find('\n') != std::string::npos)
                    listening = nowMs() - t0; // seen only after the first success
            }
        }
        long rss = -1, hwm = -1;
        if (firstOk >= 0) {
            for (int i = 0; i < 5; ++i)
                getHealth(port);
            sleepUs(idleMs * 1000);
            rss = statusKb(pid, "VmRSS");
            hwm = statusKb(pid, "VmHWM");
        } else {
            ++failures;
            std::fprintf(stderr,
                         "cr-bench-startup: start %ld got no 200 within %ld ms%s (see %s)\n", s,
                         timeoutMs, exited ? "; the server exited" : "", errPath.c_str());
        }
        if (!exited)
            stopChild(pid);
        ::close(out[0]);
        std::printf("start %ld first_ok_ms %.2f listening_ms %.2f tries %ld idle_rss_kb %ld "
                    "hwm_kb %ld\n",
                    s, firstOk, listening, tries, rss, hwm);
        std::fflush(stdout);
    }
    return failures == 0 ? 0 : 1;
}
