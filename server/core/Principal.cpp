#include "core/Principal.h"

namespace cr {

const char *roleName(Role role)
{
    switch (role) {
    case Role::Anonymous:
        return "anonymous";
    case Role::Viewer:
        return "viewer";
    case Role::Developer:
        return "developer";
    case Role::Operator:
        return "operator";
    case Role::Admin:
        return "admin";
    }
    return "anonymous";
}

} // namespace cr
