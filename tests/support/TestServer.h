#pragma once

#include "core/Clock.h"
#include "core/Settings.h"
#include "engine/Engine.h"

#include <QTemporaryDir>

#include <functional>
#include <memory>

// An Engine on 127.0.0.1, port 0, a throwaway data directory and (by default) short timeouts,
// for real-socket tests. Call start() and check its result.
class TestServer
{
public:
    explicit TestServer(cr::Settings settings = defaults(),
                        std::shared_ptr<cr::Clock> clock = nullptr);
    ~TestServer();

    static cr::Settings defaults();

    // Before start(): extra routes and an authenticator for the engine.
    void setExtraRoutes(std::function<void(cr::Router &)> routes) { m_routes = std::move(routes); }
    void setAuthenticator(std::shared_ptr<const cr::Authenticator> a) { m_auth = std::move(a); }

    bool start(); // false (with a QWARN) if the engine did not start
    cr::Engine &engine() { return *m_engine; }
    quint16 port() const { return m_engine->port(); }
    cr::Settings &settings() { return m_settings; }
    // Waits (bounded) until the background health checks have run once.
    bool waitForHealth(int timeoutMs = 5000);

private:
    QTemporaryDir m_dir;
    cr::Settings m_settings;
    std::shared_ptr<cr::Clock> m_clock;
    std::unique_ptr<cr::Engine> m_engine;
    std::function<void(cr::Router &)> m_routes;
    std::shared_ptr<const cr::Authenticator> m_auth;
};
