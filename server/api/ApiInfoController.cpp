#include "api/ApiInfoController.h"

#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"

#include <QJsonArray>
#include <QJsonDocument>
#include <QRegularExpression>

namespace cr {
namespace {

QJsonObject openApi(const Router &router, const QString &version)
{
    QJsonObject paths;
    static const QRegularExpression param(QStringLiteral(":([A-Za-z0-9_]+)(<[a-z]+>)?"));
    for (const Route &r : router.routes()) {
        QString path = r.pattern;
        path.replace(param, QStringLiteral("{\\1}"));
        QJsonObject item = paths.value(path).toObject();
        QJsonObject op{{QStringLiteral("summary"), r.summary}};
        QJsonArray parameters;
        auto it = param.globalMatch(r.pattern);
        while (it.hasNext()) {
            const auto m = it.next();
            parameters.append(
                QJsonObject{{QStringLiteral("name"), m.captured(1)},
                            {QStringLiteral("in"), QStringLiteral("path")},
                            {QStringLiteral("required"), true},
                            {QStringLiteral("schema"),
                             QJsonObject{{QStringLiteral("type"), QStringLiteral("string")},
                                         {QStringLiteral("format"), m.captured(2) == u"<uuid>"
                                                                        ? QStringLiteral("uuid")
                                                                        : QStringLiteral("")}}}});
        }
        if (!parameters.isEmpty())
            op.insert(QStringLiteral("parameters"), parameters);
        if (r.minRole != Role::Anonymous) {
            op.insert(QStringLiteral("security"),
                      QJsonArray{QJsonObject{{QStringLiteral("bearer"), QJsonArray()}}});
            op.insert(QStringLiteral("x-min-role"), QString::fromLatin1(roleName(r.minRole)));
        }
        if (r.webSocket)
            op.insert(QStringLiteral("x-websocket"), true);
        op.insert(QStringLiteral("responses"),
                  QJsonObject{{QStringLiteral("default"),
                               QJsonObject{{QStringLiteral("description"),
                                            QStringLiteral("JSON envelope (see docs/API.md)")}}}});
        item.insert(QString::fromLatin1(methodName(r.method)).toLower(), op);
        paths.insert(path, item);
    }
    return QJsonObject{
        {QStringLiteral("openapi"), QStringLiteral("3.0.3")},
        {QStringLiteral("info"),
         QJsonObject{{QStringLiteral("title"), QStringLiteral("CodeRunner API")},
                     {QStringLiteral("version"), version}}},
        {QStringLiteral("components"),
         QJsonObject{
             {QStringLiteral("securitySchemes"),
              QJsonObject{{QStringLiteral("bearer"),
                           QJsonObject{{QStringLiteral("type"), QStringLiteral("http")},
                                       {QStringLiteral("scheme"), QStringLiteral("bearer")}}}}}}},
        {QStringLiteral("paths"), paths}};
}

} // namespace

void ApiInfoController::registerRoutes(Router &router) const
{
    const QString version = m_version;
    const QString environment = m_environment;
    router.add(
        Route{Method::Get, QStringLiteral("/api"), Role::Anonymous,
              [version, environment](RequestContext &, Reply reply) {
                  reply.ok(QJsonObject{
                      {QStringLiteral("name"), QStringLiteral("CodeRunner")},
                      {QStringLiteral("version"), version},
                      {QStringLiteral("apiVersion"), QStringLiteral("v2")},
                      {QStringLiteral("environment"), environment},
                      {QStringLiteral("endpoints"),
                       QJsonObject{{QStringLiteral("health"), QStringLiteral("/health")},
                                   {QStringLiteral("openapi"), QStringLiteral("/api/openapi.json")},
                                   {QStringLiteral("websocket"), QStringLiteral("/ws")}}}});
              },
              BodyKind::None, -1, false, QStringLiteral("Server and API version")});
    const Router *table = &router;
    router.add(Route{Method::Get, QStringLiteral("/api/openapi.json"), Role::Anonymous,
                     [table, version](RequestContext &, Reply reply) {
                         HttpResponse r;
                         r.body =
                             QJsonDocument(openApi(*table, version)).toJson(QJsonDocument::Compact);
                         reply.send(std::move(r));
                     },
                     BodyKind::None, -1, false, QStringLiteral("This API as OpenAPI 3")});
}

} // namespace cr
