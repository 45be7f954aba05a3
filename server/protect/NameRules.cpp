#include "protect/NameRules.h"

namespace cr::NameRules {

namespace {

constexpr int kMaxLength = 100;

std::optional<QString> lengthProblem(const QString &name)
{
    if (name.trimmed().isEmpty())
        return QStringLiteral("must not be empty");
    if (name.size() > kMaxLength)
        return QStringLiteral("must be at most %1 characters").arg(kMaxLength);
    return std::nullopt;
}

} // namespace

std::optional<QString> resourceNameProblem(const QString &name)
{
    if (auto p = lengthProblem(name))
        return p;
    for (QChar c : name) {
        const bool ok = (c.isLetterOrNumber() && c.unicode() < 0x80) || c == u' ' || c == u'.' ||
                        c == u'_' || c == u'-';
        if (!ok)
            return QStringLiteral("may contain only letters, digits, spaces and . _ -");
    }
    return std::nullopt;
}

std::optional<QString> displayNameProblem(const QString &name)
{
    if (auto p = lengthProblem(name))
        return p;
    for (QChar c : name) {
        const bool ok = c.isLetterOrNumber() || c.isMark() || c == u' ' || c == u'\'' ||
                        c == u'.' || c == u',' || c == u'-' || c == u'_' || c == QChar(0x2019);
        if (!ok)
            return QStringLiteral("may contain only letters, digits, spaces and ' . , - _");
    }
    return std::nullopt;
}

} // namespace cr::NameRules
