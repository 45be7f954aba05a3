#pragma once

#include "core/Principal.h"

#include <QString>

namespace cr {

// The WebSocket channels of CONTRACT §9 and who may subscribe to each.
struct WsChannel
{
    const char *name;
    Role minRole;
    bool perDeployment; // needs a "deployment" id (logs, status)
};

class WsChannels
{
public:
    static const WsChannel *find(const QString &name);
};

} // namespace cr
