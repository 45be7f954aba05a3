#pragma once

#include "core/Error.h"

#include <QByteArray>

#include <optional>

namespace cr {

// Bounds on a JSON request body, checked on the raw bytes before it is parsed, so a hostile
// body (a million nested arrays, a million tiny members) costs one linear scan and no tree.
struct JsonLimits
{
    int maxDepth = 32;
    int maxKeys = 1000; // object members plus array elements, in all
    int maxStringBytes = 1024 * 1024;

    // VALIDATION_ERROR saying which bound was passed; nullopt when within all of them. Bytes
    // that are not JSON are left to the parser (INVALID_JSON).
    std::optional<Error> check(const QByteArray &body) const;
};

} // namespace cr
