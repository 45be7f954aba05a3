#include "datasource/ServerStatus.h"

namespace cr {

const char *serverStateName(ServerState state)
{
    switch (state) {
    case ServerState::Stopped:
        return "stopped";
    case ServerState::Starting:
        return "starting";
    case ServerState::Running:
        return "running";
    case ServerState::Stopping:
        return "stopping";
    case ServerState::Failed:
        return "failed";
    }
    return "failed";
}

} // namespace cr
