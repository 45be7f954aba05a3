#include "identity/AuditEntry.h"

#include "identity/JsonTime.h"

namespace cr {

QJsonObject AuditEntry::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("at"), JsonTime::isoOrNull(atMs)},
                       {QStringLiteral("actorId"),
                        actorId.isEmpty() ? QJsonValue(QJsonValue::Null) : QJsonValue(actorId)},
                       {QStringLiteral("actorEmail"), actorEmail.isEmpty()
                                                          ? QJsonValue(QJsonValue::Null)
                                                          : QJsonValue(actorEmail)},
                       {QStringLiteral("action"), action},
                       {QStringLiteral("target"), target},
                       {QStringLiteral("ip"), ip},
                       {QStringLiteral("result"), result},
                       {QStringLiteral("details"), details}};
}

} // namespace cr
