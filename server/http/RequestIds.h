#pragma once

#include <QByteArray>

namespace cr {

// Request ids: an incoming X-Request-Id is kept only if it matches [A-Za-z0-9._-]{1,64};
// otherwise a cheap unique one is made from a random per-thread prefix and a counter.
class RequestIds
{
public:
    static bool isAcceptable(const QByteArray &candidate);
    static QByteArray next();
};

} // namespace cr
