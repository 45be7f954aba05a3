#pragma once

#include <QString>

#include <optional>

namespace cr {

// What names may contain (CONTRACT §5 and docs/API.md). The reason never quotes the input:
// a rejected name is never echoed back.
namespace NameRules {

// Resource names (projects, deployments, configurations): 1-100 characters of letters, digits,
// space and . _ - (no markup, shell metacharacters or control characters).
std::optional<QString> resourceNameProblem(const QString &name);

// People's display names: 1-100 characters; letters of any script, digits, spaces and
// ' . , - _ ; no markup (< > & " `), shell metacharacters ($ ; | \ { } etc.) or control
// characters.
std::optional<QString> displayNameProblem(const QString &name);

} // namespace NameRules
} // namespace cr
