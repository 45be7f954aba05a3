#include "ServerCommands.h"

#include "CliOutput.h"
#include "KeyCommands.h"
#include "UserCommands.h"

#include "core/Clock.h"
#include "core/Logging.h"
#include "core/SettingsLoader.h"

#include <QCommandLineParser>
#include <QCoreApplication>

#include <cstdio>

namespace {

const QStringList kVerbs{QStringLiteral("user add"), QStringLiteral("user list"),
                         QStringLiteral("keys rotate"), QStringLiteral("keys list")};

bool asksForPasswordFlag(const QStringList &arguments)
{
    for (const QString &a : arguments) {
        if (a == u"--password" || a.startsWith(u"--password=") || a == u"-p")
            return true;
    }
    return false;
}

} // namespace

bool ServerCommands::isVerb(const QStringList &arguments)
{
    return arguments.size() >= 2 && (arguments.at(1) == u"user" || arguments.at(1) == u"keys");
}

int ServerCommands::run(const QStringList &arguments)
{
    const QString group = arguments.value(1);
    if (asksForPasswordFlag(arguments))
        return CliOutput::usage(
            group, QStringLiteral("a password is never taken from the command line (it would "
                                  "show in the process list and the shell history): leave "
                                  "--password out and type it at the prompt, or pipe it on "
                                  "standard input"));

    QCommandLineParser parser;
    parser.setApplicationDescription(QStringLiteral(
        "CodeRunner server administration.\n\n"
        "  user add --email E --role R [--name N]   create an account (password from a prompt "
        "or stdin)\n"
        "  user list                                list the accounts\n"
        "  keys rotate                              make a new token signing key current\n"
        "  keys list                                list the token signing keys"));
    parser.addHelpOption();
    parser.addPositionalArgument(QStringLiteral("verb"), QStringLiteral("user or keys"));
    parser.addPositionalArgument(QStringLiteral("action"), QStringLiteral("add, list, rotate"));
    const QCommandLineOption email(QStringLiteral("email"),
                                   QStringLiteral("user add: the account's e-mail address."),
                                   QStringLiteral("address"));
    const QCommandLineOption role(QStringLiteral("role"),
                                  QStringLiteral("user add: viewer, developer, operator or admin."),
                                  QStringLiteral("role"));
    const QCommandLineOption name(QStringLiteral("name"),
                                  QStringLiteral("user add: the account's display name."),
                                  QStringLiteral("name"));
    parser.addOptions({email, role, name});
    const cr::SettingsLoader loader;
    loader.addOptions(parser);
    if (!parser.parse(arguments))
        return CliOutput::usage(group, parser.errorText());
    if (parser.isSet(QStringLiteral("help"))) {
        std::fputs(qPrintable(parser.helpText()), stdout);
        return 0;
    }
    const QString verb = parser.positionalArguments().join(u' ');
    if (!kVerbs.contains(verb))
        return CliOutput::usage(
            verb,
            QStringLiteral("unknown command; one of: %1").arg(kVerbs.join(QStringLiteral(", "))));
    cr::Result<cr::Settings> settings = loader.load(parser);
    if (!settings)
        return CliOutput::usage(verb, settings.error().message);
    // Quiet unless asked: the verbs' own output is what matters.
    const QString level = settings.value().logLevel == u"info" ? QStringLiteral("warning")
                                                               : settings.value().logLevel;
    cr::installLogging(settings.value().logFormat, level, false);

    const cr::SystemClock clock;
    if (verb == u"user add")
        return UserCommands::add(settings.value(), clock,
                                 {parser.value(email), parser.value(role), parser.value(name)});
    if (verb == u"user list")
        return UserCommands::list(settings.value(), clock);
    if (verb == u"keys rotate")
        return KeyCommands::rotate(settings.value(), clock);
    return KeyCommands::list(settings.value(), clock);
}
