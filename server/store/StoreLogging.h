#pragma once

#include <QLoggingCategory>

// The storage layer's log category ("cr.store"). Driver messages and SQL text are written only
// at debug level, always passed through DatabaseConfig::redact() first.
Q_DECLARE_LOGGING_CATEGORY(lcStore)
