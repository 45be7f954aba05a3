#include "api/AdminController.h"

#include "api/RequestInput.h"
#include "core/Clock.h"
#include "http/Reply.h"
#include "http/RequestContext.h"
#include "http/Router.h"
#include "identity/AdminService.h"
#include "identity/Identity.h"
#include "identity/JsonTime.h"

#include <QJsonArray>

namespace cr {

void AdminController::registerRoutes(Router &router) const
{
    Identity *identity = &m_identity;

    router.add(Route{Method::Get, QStringLiteral("/api/admin/users"), Role::Admin,
                     [identity](RequestContext &ctx, Reply reply) {
                         const Result<PageRequest> page = RequestInput::pageOf(ctx);
                         if (!page)
                             return reply.fail(page.error());
                         identity->admin().listUsers(page.value(), [reply](Result<Page<User>> p) {
                             if (!p)
                                 return reply.fail(p.error());
                             reply.ok(p.value().toJson(
                                 "users", [](const User &u) { return u.toAdminJson(); }));
                         });
                     },
                     BodyKind::None, -1, false,
                     QStringLiteral("Accounts (?page, ?limit, ?search by name or e-mail)")});

    router.add(Route{
        Method::Patch, QStringLiteral("/api/admin/users/:id<uuid>"), Role::Admin,
        [identity](RequestContext &ctx, Reply reply) {
            QList<FieldError> errors;
            AdminService::UserChange change;
            change.role = RequestInput::optionalRole(ctx.json, errors);
            const QJsonValue disabled = ctx.json.value(QStringLiteral("disabled"));
            if (disabled.isBool())
                change.disabled = disabled.toBool();
            else if (!disabled.isUndefined() && !disabled.isNull())
                errors.append({QStringLiteral("disabled"), QStringLiteral("must be a boolean")});
            if (errors.isEmpty() && !change.role && !change.disabled)
                errors.append({QStringLiteral("role"),
                               QStringLiteral("nothing to change: send role and/or disabled")});
            if (!errors.isEmpty())
                return reply.fail(RequestInput::invalid(errors));
            identity->admin().updateUser(
                RequestInput::callerOf(ctx), ctx.params.value(QStringLiteral("id")), change,
                [reply](Result<User> u) {
                    if (!u)
                        return reply.fail(u.error());
                    reply.ok(QJsonObject{{QStringLiteral("user"), u.value().toAdminJson()}});
                });
        },
        BodyKind::Json, 16 * 1024, false,
        QStringLiteral("Change an account's role or disable it (takes effect at once)")});

    const System system = m_system;
    router.add(Route{
        Method::Get, QStringLiteral("/api/admin/system"), Role::Operator,
        [system, identity](RequestContext &, Reply reply) {
            const qint64 uptime = (system.clock->monotonicMs() - system.startedMs) / 1000;
            const qint64 startedAt = system.clock->wallMs() - uptime * 1000;
            reply.ok(QJsonObject{
                {QStringLiteral("version"), system.version},
                {QStringLiteral("environment"), system.environment},
                {QStringLiteral("uptimeSeconds"), uptime},
                {QStringLiteral("startedAt"), JsonTime::iso(startedAt)},
                {QStringLiteral("database"), system.database},
                {QStringLiteral("configuration"), system.configuration},
                {QStringLiteral("sandbox"), system.sandbox ? system.sandbox() : QJsonObject()},
                {QStringLiteral("tokens"),
                 QJsonObject{{QStringLiteral("algorithm"), QStringLiteral("EdDSA")},
                             {QStringLiteral("keyId"), identity->currentKeyId()},
                             {QStringLiteral("keysPersisted"), identity->keysPersisted()}}}});
        },
        BodyKind::None, -1, false,
        QStringLiteral("Version, uptime, database and configuration summary (no secrets)")});

    router.add(Route{
        Method::Get, QStringLiteral("/api/admin/logs"), Role::Operator,
        [identity](RequestContext &ctx, Reply reply) {
            const Result<PageRequest> page = RequestInput::pageOf(ctx);
            if (!page)
                return reply.fail(page.error());
            identity->admin().auditLog(page.value(), [reply](Result<Page<AuditEntry>> p) {
                if (!p)
                    return reply.fail(p.error());
                reply.ok(p.value().toJson("logs", [](const AuditEntry &e) { return e.toJson(); }));
            });
        },
        BodyKind::None, -1, false,
        QStringLiteral("Audit log, newest first (?page, ?limit, ?search by action)")});
}

} // namespace cr
