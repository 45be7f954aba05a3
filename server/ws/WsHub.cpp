#include "ws/WsHub.h"

#include "core/Clock.h"
#include "http/TimeText.h"
#include "ws/WsEndpoint.h"

#include <QJsonDocument>

namespace cr {

WsHub::WsHub(const Settings &settings, const Clock &clock, const Authenticator *authenticator)
    : m_settings(settings)
    , m_clock(clock)
    , m_authenticator(authenticator)
{}

std::unique_ptr<UpgradeHandler> WsHub::makeEndpoint()
{
    auto endpoint = std::make_unique<WsEndpoint>(*this);
    QMutexLocker lock(&m_mutex);
    m_endpoints.append(endpoint.get());
    return endpoint;
}

void WsHub::endpointGone(WsEndpoint *endpoint)
{
    QMutexLocker lock(&m_mutex);
    m_endpoints.removeAll(endpoint);
}

void WsHub::revalidate(const QStringList &sessionIds, const QStringList &userIds)
{
    QMutexLocker lock(&m_mutex);
    for (WsEndpoint *e : std::as_const(m_endpoints))
        QMetaObject::invokeMethod(
            e, [e, sessionIds, userIds] { e->revalidate(sessionIds, userIds); },
            Qt::QueuedConnection);
}

void WsHub::publish(const QString &channel, const QJsonObject &message, const QString &deployment)
{
    // Sessions key per-deployment subscriptions by the lower-case id: so does this.
    const QString id = deployment.toLower();
    QJsonObject out = message;
    out.insert(QStringLiteral("type"), channel);
    out.insert(QStringLiteral("channel"), channel);
    out.insert(QStringLiteral("timestamp"), QString::fromLatin1(TimeText::iso(m_clock.wallMs())));
    if (!id.isEmpty())
        out.insert(QStringLiteral("deployment"), id);
    const QByteArray bytes = QJsonDocument(out).toJson(QJsonDocument::Compact);
    const QString key = id.isEmpty() ? channel : channel + u':' + id;
    QMutexLocker lock(&m_mutex);
    for (WsEndpoint *e : std::as_const(m_endpoints))
        QMetaObject::invokeMethod(
            e, [e, key, bytes] { e->deliver(key, bytes); }, Qt::QueuedConnection);
}

} // namespace cr
