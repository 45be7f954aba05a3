#include "identity/IdentityLogging.h"

Q_LOGGING_CATEGORY(lcIdentity, "cr.identity")
