#include "telemetry/SecretStoreCheck.h"

#include "core/Clock.h"
#include "core/KeyWrapper.h"

#include <QElapsedTimer>
#include <QObject>
#include <QPointer>
#include <QRandomGenerator>

namespace cr {

void SecretStoreCheck::KeySource::set(std::shared_ptr<const KeyWrapper> key, QString storeKind,
                                      Probe probe)
{
    QMutexLocker lock(&m_mutex);
    m_state.key = std::move(key);
    m_state.storeKind = std::move(storeKind);
    m_state.probe = std::move(probe);
    m_state.failed = false;
    ++m_state.version;
}

void SecretStoreCheck::KeySource::fail()
{
    QMutexLocker lock(&m_mutex);
    m_state.failed = true;
    ++m_state.version;
}

SecretStoreCheck::KeySource::State SecretStoreCheck::KeySource::state() const
{
    QMutexLocker lock(&m_mutex);
    return m_state;
}

SecretStoreCheck::SecretStoreCheck(const Clock &clock, std::shared_ptr<KeySource> source,
                                   qint64 probeIntervalMs)
    : m_clock(clock)
    , m_source(std::move(source))
    , m_probeIntervalMs(probeIntervalMs)
{}

SecretStoreCheck::~SecretStoreCheck()
{
    m_context.reset(); // first: a late answer must not reach a half-destroyed check
}

CheckResult SecretStoreCheck::run()
{
    CheckResult r;
    r.name = name();
    QElapsedTimer timer;
    timer.start();
    const KeySource::State now = m_source ? m_source->state() : KeySource::State();
    if (now.version != m_key.version) { // a new key (or none): forget the old store's answers
        m_key = now;
        m_context.reset();
        m_probing = false;
        m_lastProbeMs = -1;
        m_answeredAtMs = -1;
        m_storeOk = true;
        m_storeProblem.clear();
    }
    if (!m_key.key) {
        // Still loading (the console waits for the keychain): accounts are unavailable until
        // it comes. Failed: they stay so; the reason is in the log.
        r.status = m_key.failed ? CheckStatus::Down : CheckStatus::Degraded;
        r.details.insert(QStringLiteral("loaded"), false);
        r.details.insert(QStringLiteral("loading"), !m_key.failed);
        return r;
    }
    r.details.insert(QStringLiteral("loaded"), true);
    r.details.insert(QStringLiteral("keyId"), m_key.key->keyId());
    if (!m_key.storeKind.isEmpty())
        r.details.insert(QStringLiteral("store"), m_key.storeKind);

    // The key in memory still works: wrap and unwrap a random value.
    QByteArray sample(32, Qt::Uninitialized);
    QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(sample.data()),
                                          sample.size() / int(sizeof(quint32)));
    static const QByteArray ad = QByteArrayLiteral("coderunner/health-check/v1");
    const Result<QByteArray> wrapped = m_key.key->wrap(sample, ad);
    const Result<QByteArray> back =
        wrapped ? m_key.key->unwrap(wrapped.value(), ad) : Result<QByteArray>(wrapped.error());
    const bool works = back && back.value() == sample;
    r.details.insert(QStringLiteral("roundTrip"), works);
    r.latencyMs = double(timer.nsecsElapsed()) / 1e6;
    if (!works) {
        r.status = CheckStatus::Down;
        return r;
    }

    if (m_key.probe) {
        const qint64 now = m_clock.monotonicMs();
        if (!m_context)
            m_context = std::make_unique<QObject>();
        if (!m_probing && (m_lastProbeMs < 0 || now - m_lastProbeMs >= m_probeIntervalMs)) {
            m_probing = true;
            m_lastProbeMs = now;
            m_key.probe(m_context.get(), [this](Status st) {
                m_probing = false;
                m_answeredAtMs = m_clock.monotonicMs();
                m_storeOk = st.ok();
                m_storeProblem = st.ok() ? QString() : st.error().message;
            });
        }
        if (m_answeredAtMs >= 0) {
            r.details.insert(QStringLiteral("storeAnswered"), m_storeOk);
            r.details.insert(QStringLiteral("storeCheckedAgoMs"), double(now - m_answeredAtMs));
            if (!m_storeOk) {
                r.status = CheckStatus::Degraded;
                r.details.insert(QStringLiteral("storeProblem"), m_storeProblem);
            }
        }
    }
    return r;
}

} // namespace cr
