#pragma once

#include "core/Result.h"
#include "core/Settings.h"

#include <QProcessEnvironment>
#include <QStringList>

class QCommandLineParser;

namespace cr {

// Builds Settings from defaults < config file (JSON or INI) < environment < command line.
// Every setting has one camelCase name; its flag is the kebab-case form (--max-uri-bytes) and
// its variable the upper snake-case form with a CODERUNNER_ prefix (CODERUNNER_MAX_URI_BYTES).
class SettingsLoader
{
public:
    SettingsLoader();

    // Adds every setting's option (and --config) to a parser: call before parser.process().
    void addOptions(QCommandLineParser &parser) const;

    // Applies file, environment and parsed command line on top of the defaults.
    Result<Settings>
    load(const QCommandLineParser &parser,
         const QProcessEnvironment &env = QProcessEnvironment::systemEnvironment()) const;

    // The same from plain argument list (program name first); used by tests and tools.
    Result<Settings>
    loadFromArguments(const QStringList &arguments,
                      const QProcessEnvironment &env = QProcessEnvironment()) const;

    Result<Settings> loadFile(const QString &path, Settings base) const;

    static QString flagName(const QString &key);
    static QString envName(const QString &key);
    QStringList keys() const;

    struct Spec; // one row of the settings table (SettingsLoader.cpp)

private:
    Status apply(Settings &settings, const QString &key, const QString &value,
                 const QString &source) const;
    const Spec *find(const QString &key) const;
};

} // namespace cr
