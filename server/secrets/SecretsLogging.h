#pragma once

#include <QLoggingCategory>

// The secrets module's log category ("cr.secrets"). Key material is never logged; key ids and
// store locations are.
Q_DECLARE_LOGGING_CATEGORY(lcSecrets)
