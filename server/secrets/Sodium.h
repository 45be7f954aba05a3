#pragma once

namespace cr {

// Initialises libsodium once per process (thread-safe, cheap after the first call). Every class
// that uses libsodium (auth, secrets) calls it first; a libsodium that cannot start is fatal.
void ensureSodium();

} // namespace cr
