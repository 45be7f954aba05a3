#pragma once

#include <QString>

namespace cr {

// A LIKE pattern for "contains `text`", with %, _ and \ escaped by a backslash: use it with
// "LIKE ? ESCAPE '\'" (the same on SQLite and PostgreSQL). Always bound, never spliced.
class LikePattern
{
public:
    static QString contains(const QString &text);
};

} // namespace cr
