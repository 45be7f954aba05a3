#pragma once

#include "core/Error.h"

namespace cr {

// The one place an ErrorCode becomes an HTTP status.
int httpStatusFor(ErrorCode code);
const char *reasonPhrase(int status);

} // namespace cr
