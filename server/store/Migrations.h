#pragma once

#include "store/Migration.h"

#include <vector>

namespace cr {

// The schema, as the list of every migration this CodeRunner knows (Migrations.cpp).
class Migrations
{
public:
    static const std::vector<Migration> &all();
};

} // namespace cr
