#include "identity/User.h"

#include "identity/JsonTime.h"

namespace cr {

bool User::operator==(const User &o) const
{
    return id == o.id && email == o.email && name == o.name && passwordHash == o.passwordHash &&
           role == o.role && disabled == o.disabled && createdAtMs == o.createdAtMs &&
           updatedAtMs == o.updatedAtMs && lastLoginAtMs == o.lastLoginAtMs &&
           roleChangedAtMs == o.roleChangedAtMs;
}

QJsonObject User::toJson() const
{
    return QJsonObject{{QStringLiteral("id"), id},
                       {QStringLiteral("email"), email},
                       {QStringLiteral("name"), name},
                       {QStringLiteral("role"), roleText(role)},
                       {QStringLiteral("createdAt"), JsonTime::isoOrNull(createdAtMs)},
                       {QStringLiteral("updatedAt"), JsonTime::isoOrNull(updatedAtMs)},
                       {QStringLiteral("lastLoginAt"), JsonTime::isoOrNull(lastLoginAtMs)}};
}

QJsonObject User::toAdminJson() const
{
    QJsonObject o = toJson();
    o.insert(QStringLiteral("disabled"), disabled);
    return o;
}

std::optional<Role> User::roleFromName(const QString &name)
{
    for (Role r : {Role::Viewer, Role::Developer, Role::Operator, Role::Admin}) {
        if (name == QLatin1String(roleName(r)))
            return r;
    }
    return std::nullopt;
}

QString User::roleText(Role role)
{
    return QString::fromLatin1(roleName(role));
}

} // namespace cr
