#pragma once

namespace cr {

// Initialises libsodium once per process (thread-safe, cheap after the first call). Every auth
// class calls it in its constructor; a libsodium that cannot start is a fatal error.
void ensureSodium();

} // namespace cr
