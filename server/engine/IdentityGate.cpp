#include "engine/IdentityGate.h"

#include "http/Reply.h"

namespace cr {
namespace {

class GatedAuthenticator final : public Authenticator
{
public:
    GatedAuthenticator(std::shared_ptr<const IdentityGate> gate, const Authenticator *inner)
        : m_gate(std::move(gate))
        , m_inner(inner)
    {}

    Result<Principal> authenticate(const QByteArray &credential) const override
    {
        if (!m_gate->isOpen())
            return m_gate->unavailable();
        if (!m_inner)
            return Error::make(ErrorCode::Unauthorized, QStringLiteral("Invalid credentials"));
        return m_inner->authenticate(credential);
    }

private:
    std::shared_ptr<const IdentityGate> m_gate;
    const Authenticator *m_inner;
};

} // namespace

std::shared_ptr<IdentityGate> IdentityGate::opened()
{
    std::shared_ptr<IdentityGate> gate(new IdentityGate);
    gate->open();
    return gate;
}

std::shared_ptr<IdentityGate> IdentityGate::closed()
{
    return std::shared_ptr<IdentityGate>(new IdentityGate);
}

void IdentityGate::open()
{
    m_open.store(true, std::memory_order_release);
}

void IdentityGate::fail(const QString &reason)
{
    QMutexLocker lock(&m_mutex);
    m_failure = reason;
}

Error IdentityGate::unavailable() const
{
    QString failure;
    {
        QMutexLocker lock(&m_mutex);
        failure = m_failure;
    }
    Error e = Error::make(
        ErrorCode::DependencyUnavailable,
        failure.isEmpty()
            ? QStringLiteral("The server is starting: accounts are available once the master key "
                             "is loaded")
            : QStringLiteral("Accounts are unavailable: the master key could not be loaded"));
    e.retryAfterSeconds = kRetryAfterSeconds;
    return e;
}

Route IdentityGate::wrap(Route route) const
{
    if (!route.handler)
        return route;
    route.handler = [gate = shared_from_this(), inner = route.handler](RequestContext &ctx,
                                                                       Reply reply) {
        if (!gate->isOpen())
            return reply.fail(gate->unavailable());
        inner(ctx, std::move(reply));
    };
    return route;
}

std::shared_ptr<const Authenticator> IdentityGate::wrap(const Authenticator *inner) const
{
    return std::make_shared<GatedAuthenticator>(shared_from_this(), inner);
}

} // namespace cr
