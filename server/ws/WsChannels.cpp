#include "ws/WsChannels.h"

namespace cr {

const WsChannel *WsChannels::find(const QString &name)
{
    static const WsChannel channels[] = {
        {"metrics", Role::Viewer, false},    {"logs", Role::Viewer, true},
        {"status", Role::Viewer, true},      {"executions", Role::Viewer, false},
        {"alerts", Role::Viewer, false},     {"ratelimit", Role::Operator, false},
        {"security", Role::Operator, false},
    };
    for (const WsChannel &c : channels) {
        if (name == QLatin1String(c.name))
            return &c;
    }
    return nullptr;
}

} // namespace cr
