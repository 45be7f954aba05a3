#pragma once

#include "http/Route.h"

namespace cr::test {

// A route with only what the metrics read of it: method and pattern.
inline Route routeOf(Method method, const char *pattern)
{
    Route r;
    r.method = method;
    r.pattern = QString::fromLatin1(pattern);
    return r;
}

} // namespace cr::test
