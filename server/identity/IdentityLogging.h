#pragma once

#include <QLoggingCategory>

// The identity module's log category ("cr.identity"). Never logs a password, a token, a
// refresh token, an API key or a hash of one.
Q_DECLARE_LOGGING_CATEGORY(lcIdentity)
