#pragma once

#include <QStringList>

// The verbs of coderunner-server besides serving, for operators on the server's machine. They
// open the database and the master key exactly as a start does (StorageBootstrap), work on
// them directly and exit; no HTTP server is started, and a running server need not be stopped.
//
//   coderunner-server user add --email E --role R [--name N] [settings...]
//   coderunner-server user list [settings...]
//   coderunner-server keys rotate [settings...]
//   coderunner-server keys list [settings...]
//
// Settings are the server's (--data-dir, --database, --config, CODERUNNER_*). Exit codes: 0 done,
// 1 refused or failed (the reason on stderr), 2 wrong usage.
class ServerCommands
{
public:
    // Whether the arguments (program name first) name a verb.
    static bool isVerb(const QStringList &arguments);
    static int run(const QStringList &arguments);
};
