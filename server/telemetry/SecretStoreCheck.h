#pragma once

#include "core/Result.h"
#include "telemetry/HealthCheck.h"

#include <QMutex>

#include <functional>
#include <memory>

class QObject;

namespace cr {

class Clock;
class KeyWrapper;

// The master key (docs/SECRETS.md): down when no key is loaded or it no longer wraps and
// unwraps a test value; degraded when the secret store it came from stopped answering with
// that key (the next start would fail). The store is asked through `probe` at most every
// `probeIntervalMs` (a keychain is not to be pestered), asynchronously: a round reports the
// last answer. Details name the store kind and the key id, never the key or a path.
class SecretStoreCheck final : public HealthCheck
{
public:
    // Asks the store for the key; calls done once, in the context's thread, with an error when
    // the store did not answer or holds another key. Empty: the key came from elsewhere (an
    // embedding application) and there is no store to ask.
    using Probe = std::function<void(QObject *context, std::function<void(Status)> done)>;

    // Where the check finds the key: set by the engine when the key is loaded (at start, or
    // after listening when the console reads a keychain), failed when it cannot be. Until
    // then the check reports "loading" (degraded). Thread-safe.
    class KeySource
    {
    public:
        void set(std::shared_ptr<const KeyWrapper> key, QString storeKind, Probe probe);
        void fail();
        struct State
        {
            std::shared_ptr<const KeyWrapper> key;
            QString storeKind;
            Probe probe;
            bool failed = false;
            quint64 version = 0; // changes with every set/fail
        };
        State state() const;

    private:
        mutable QMutex m_mutex;
        State m_state;
    };

    SecretStoreCheck(const Clock &clock, std::shared_ptr<KeySource> source,
                     qint64 probeIntervalMs = 60000);
    ~SecretStoreCheck() override;
    QString name() const override { return QStringLiteral("secrets"); }
    CheckResult run() override;

private:
    const Clock &m_clock;
    std::shared_ptr<KeySource> m_source;
    qint64 m_probeIntervalMs;
    KeySource::State m_key;             // the source's state as of the last run
    std::unique_ptr<QObject> m_context; // made in the checks' thread; answers die with it
    bool m_probing = false;
    qint64 m_lastProbeMs = -1;  // monotonic, when the last probe started
    qint64 m_answeredAtMs = -1; // monotonic, when the last answer came
    bool m_storeOk = true;      // the last answer
    QString m_storeProblem;     // safe to show to operators
};

} // namespace cr
