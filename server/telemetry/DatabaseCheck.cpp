#include "telemetry/DatabaseCheck.h"

#include "core/CircuitBreaker.h"
#include "store/Db.h"

#include <QElapsedTimer>

namespace cr {

DatabaseCheck::DatabaseCheck(ConnectionFactory factory, std::shared_ptr<CircuitBreaker> breaker,
                             double degradedMs)
    : m_factory(std::move(factory))
    , m_breaker(std::move(breaker))
    , m_degradedMs(degradedMs)
{}

DatabaseCheck::~DatabaseCheck() = default; // in the background thread (HealthMonitor::stop)

CheckResult DatabaseCheck::run()
{
    CheckResult r;
    r.name = name();
    r.details.insert(QStringLiteral("backend"), m_factory.config().backendName());

    CircuitBreaker::Permit permit;
    permit.allowed = true;
    if (m_breaker) {
        permit = m_breaker->acquire();
        if (!permit.allowed) {
            const CircuitBreaker::Status st = m_breaker->status();
            r.status = CheckStatus::Down;
            r.details.insert(QStringLiteral("connected"), false);
            r.details.insert(QStringLiteral("breaker"),
                             QString::fromLatin1(CircuitBreaker::stateName(st.state)));
            r.details.insert(QStringLiteral("retryAfterMs"), double(permit.retryAfterMs));
            return r;
        }
    }

    if (!m_db)
        m_db = m_factory.create(QStringLiteral("health"));
    m_db->takeActivity();
    QElapsedTimer timer;
    timer.start();
    const Result<QVariant> one = m_db->scalar(Sql("SELECT 1"));
    r.latencyMs = double(timer.nsecsElapsed()) / 1e6;
    r.value = r.latencyMs;
    const bool ok = one && one.value().toLongLong() == 1;
    const Db::Activity activity = m_db->takeActivity();
    if (m_breaker) {
        if (activity.outages > 0 || !ok)
            m_breaker->recordFailure(permit);
        else
            m_breaker->recordSuccess(permit);
    }

    if (!ok)
        r.status = CheckStatus::Down;
    else if (m_degradedMs > 0 && r.latencyMs > m_degradedMs)
        r.status = CheckStatus::Degraded;
    r.details.insert(QStringLiteral("connected"), ok);
    if (m_breaker) {
        const CircuitBreaker::Status st = m_breaker->status();
        r.details.insert(QStringLiteral("breaker"),
                         QString::fromLatin1(CircuitBreaker::stateName(st.state)));
        r.details.insert(QStringLiteral("consecutiveFailures"), st.consecutiveFailures);
        if (st.state == CircuitBreaker::State::HalfOpen && r.status == CheckStatus::Ok)
            r.status = CheckStatus::Degraded;
        if (st.state == CircuitBreaker::State::Open)
            r.status = CheckStatus::Down;
    }
    if (m_degradedMs > 0)
        r.details.insert(QStringLiteral("degradedMs"), m_degradedMs);
    return r;
}

} // namespace cr
