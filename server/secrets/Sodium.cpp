#include "secrets/Sodium.h"

#include <QtGlobal>

#include <sodium.h>

namespace cr {

void ensureSodium()
{
    // sodium_init() is itself thread-safe and returns 1 when already initialised.
    static const bool ready = sodium_init() >= 0;
    if (!ready)
        qFatal("libsodium could not be initialised");
}

} // namespace cr
