#pragma once

#include "core/Error.h"

#include <QString>

// How the command-line verbs talk: results on stdout, refusals on stderr as
// "coderunner-server: <verb>: <message>" plus one indented line per field error.
class CliOutput
{
public:
    static void line(const QString &text);
    static int fail(const QString &verb, const cr::Error &error, int exitCode = 1);
    static int usage(const QString &verb, const QString &message);
};
