#include "identity/IdentityEnv.h"

#include "core/Clock.h"
#include "identity/AuditRepository.h"
#include "identity/IdentityLogging.h"
#include "store/StoragePool.h"

#include <QUuid>

namespace cr {

qint64 IdentityEnv::now() const
{
    return clock->wallMs();
}

QString IdentityEnv::newId()
{
    return QUuid::createUuid().toString(QUuid::WithoutBraces).toLower();
}

AuditEntry IdentityEnv::audit(const Caller &caller, const QString &action, const QString &target,
                              const char *result, const QJsonObject &details) const
{
    AuditEntry e;
    e.atMs = now();
    e.actorId = caller.userId();
    e.action = action;
    e.target = target;
    e.ip = caller.ip;
    e.result = QString::fromLatin1(result);
    e.details = details;
    if (caller.principal.viaApiKey)
        e.details.insert(QStringLiteral("viaApiKey"), true);
    return e;
}

void IdentityEnv::recordAsync(const AuditEntry &entry) const
{
    pool->run<bool>(
        context,
        [entry](Db &db) -> Result<bool> {
            if (Status st = AuditRepository::append(db, entry); !st)
                return st.error();
            return true;
        },
        [action = entry.action](Result<bool> r) {
            if (!r)
                qCWarning(lcIdentity).noquote()
                    << "could not write the audit entry" << action << ":" << r.error().message;
        });
}

} // namespace cr
