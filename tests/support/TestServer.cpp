#include "TestServer.h"

#include "telemetry/HealthSnapshot.h"

#include <QTest>

TestServer::TestServer(cr::Settings settings, std::shared_ptr<cr::Clock> clock)
    : m_settings(std::move(settings))
    , m_clock(std::move(clock))
{}

TestServer::~TestServer()
{
    m_engine.reset();
}

cr::Settings TestServer::defaults()
{
    cr::Settings s;
    s.bind = QStringLiteral("127.0.0.1");
    s.port = 0;
    s.workers = 2;
    s.accessLog = false;
    s.sweepIntervalMs = 20;
    s.healthIntervalMs = 60000;
    // No rate limits unless a test sets the ones it needs (tests/protect).
    s.rateLimitProfile = QStringLiteral("off");
    return s;
}

bool TestServer::start()
{
    m_settings.dataDir = m_dir.path();
    m_engine = std::make_unique<cr::Engine>(m_settings, m_clock);
    if (m_routes)
        m_engine->setExtraRoutes(m_routes);
    if (m_auth)
        m_engine->setAuthenticator(m_auth);
    const cr::Status st = m_engine->start();
    if (!st)
        qWarning("engine did not start: %s", qPrintable(st.error().message));
    return bool(st);
}

bool TestServer::waitForHealth(int timeoutMs)
{
    QDeadlineTimer deadline(timeoutMs);
    while (!deadline.hasExpired()) {
        if (auto h = m_engine->health(); h && !h->initial)
            return true;
        QTest::qWait(10);
    }
    return false;
}
