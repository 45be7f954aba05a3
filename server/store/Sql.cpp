#include "store/Sql.h"

namespace cr {

bool Sql::isReadOnly() const
{
    const QByteArray text = bytes().trimmed().toUpper();
    if (text.startsWith("SELECT") || text.startsWith("VALUES"))
        return true;
    if (text.startsWith("WITH")) // unless a common table expression modifies data
        return !text.contains("INSERT ") && !text.contains("UPDATE ") && !text.contains("DELETE ");
    return false;
}

} // namespace cr
