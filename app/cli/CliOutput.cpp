#include "CliOutput.h"

#include <cstdio>

void CliOutput::line(const QString &text)
{
    std::fprintf(stdout, "%s\n", qPrintable(text));
    std::fflush(stdout);
}

int CliOutput::fail(const QString &verb, const cr::Error &error, int exitCode)
{
    std::fprintf(stderr, "coderunner-server: %s: %s\n", qPrintable(verb),
                 qPrintable(error.message));
    for (const cr::FieldError &f : error.fields)
        std::fprintf(stderr, "  - %s: %s\n", qPrintable(f.field), qPrintable(f.message));
    std::fflush(stderr);
    return exitCode;
}

int CliOutput::usage(const QString &verb, const QString &message)
{
    return fail(verb, cr::Error::make(cr::ErrorCode::ValidationError, message), 2);
}
