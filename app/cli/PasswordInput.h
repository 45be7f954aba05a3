#pragma once

#include "core/Result.h"

#include <QString>

// Where `coderunner-server user add` reads the new password from: never the command line (it
// would show in the process list and the shell history).
//  - stdin is a terminal: a prompt on the terminal with echo off, asked twice;
//  - otherwise: exactly one line from stdin (a pipe, a file, a secret manager), without its
//    line ending.
class PasswordInput
{
public:
    static bool stdinIsTerminal();
    static cr::Result<QString> read(const QString &prompt);

private:
    static cr::Result<QString> readLine(bool noEcho, const QString &prompt);
};
