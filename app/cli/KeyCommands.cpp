#include "KeyCommands.h"

#include "CliOutput.h"
#include "CliStorage.h"

#include "auth/KeySet.h"
#include "identity/IdentityOptions.h"
#include "identity/JsonTime.h"
#include "identity/SigningKeyStore.h"

int KeyCommands::rotate(const cr::Settings &settings, const cr::Clock &clock)
{
    const QString verb = QStringLiteral("keys rotate");
    cr::Result<CliStorage> storage = CliStorage::open(settings, clock);
    if (!storage)
        return CliOutput::fail(verb, storage.error());
    const cr::IdentityOptions options = cr::IdentityOptions::fromSettings(settings);
    cr::KeySet keys(clock, options.signingKeyRetentionMs());
    const cr::Result<cr::SigningKey> rotated =
        cr::SigningKeyStore(storage.value().masterKey()).rotate(storage.value().db(), keys);
    if (!rotated)
        return CliOutput::fail(verb, rotated.error());
    const cr::SigningKey &fresh = rotated.value();
    const QList<cr::SigningKey> all = keys.keys();
    const QString previous = all.size() > 1 ? all.at(1).kid() : QString();
    CliOutput::line(QStringLiteral("signing key %1 is now current").arg(fresh.kid()));
    CliOutput::line(
        QStringLiteral("the previous key %1 verifies and stays in /.well-known/jwks.json until %2")
            .arg(previous,
                 cr::JsonTime::iso(fresh.createdAtMs() + options.signingKeyRetentionMs())));
    CliOutput::line(QStringLiteral("running servers switch to the new key within %1 s")
                        .arg(options.signingKeyReloadMs / 1000.0));
    return 0;
}

int KeyCommands::list(const cr::Settings &settings, const cr::Clock &clock)
{
    const QString verb = QStringLiteral("keys list");
    cr::Result<CliStorage> storage = CliStorage::open(settings, clock);
    if (!storage)
        return CliOutput::fail(verb, storage.error());
    const cr::IdentityOptions options = cr::IdentityOptions::fromSettings(settings);
    cr::KeySet keys(clock, options.signingKeyRetentionMs());
    bool persisted = false;
    if (cr::Status st = cr::SigningKeyStore(storage.value().masterKey())
                            .loadOrCreate(storage.value().db(), keys, &persisted);
        !st)
        return CliOutput::fail(verb, st.error());
    const QList<cr::SigningKey> all = keys.keys();
    for (const cr::SigningKey &k : all) {
        const QString state =
            k.isRetired()
                ? QStringLiteral("retired %1, verifies until %2")
                      .arg(cr::JsonTime::iso(k.retiredAtMs()),
                           cr::JsonTime::iso(k.retiredAtMs() + options.signingKeyRetentionMs()))
                : QStringLiteral("current");
        CliOutput::line(QStringLiteral("%1  created %2  %3")
                            .arg(k.kid(), cr::JsonTime::iso(k.createdAtMs()), state));
    }
    return 0;
}
