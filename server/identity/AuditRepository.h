#pragma once

#include "core/Result.h"
#include "identity/AuditEntry.h"
#include "identity/Page.h"

namespace cr {

class Db;

// Table audit_log: append-only; listed newest first.
class AuditRepository
{
public:
    static Status append(Db &db, const AuditEntry &entry);
    // search: a case-insensitive substring of the action.
    static Result<Page<AuditEntry>> list(Db &db, const PageRequest &request);
};

} // namespace cr
