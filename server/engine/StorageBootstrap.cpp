#include "engine/StorageBootstrap.h"

#include "core/KeyWrapper.h"
#include "core/Logging.h"
#include "secrets/MasterKey.h"
#include "secrets/MasterKeyBootstrap.h"
#include "secrets/SecretStoreFactory.h"
#include "store/ConnectionFactory.h"
#include "store/DatabaseConfig.h"
#include "store/Db.h"
#include "store/Migrator.h"

#include <QDir>
#include <QEventLoop>
#include <QFile>
#include <QFileInfo>

#include <optional>

namespace cr {

Status StorageBootstrap::prepareDataDir(const Settings &settings)
{
    const QString dataDir = settings.effectiveDataDir();
    if (!QDir().mkpath(dataDir))
        return Error::make(ErrorCode::Internal,
                           QStringLiteral("cannot create the data directory %1").arg(dataDir));
    const QFileInfo info(dataDir);
    if (!info.isReadable() || !info.isWritable() || !info.isExecutable())
        return Error::make(
            ErrorCode::Internal,
            QStringLiteral("the data directory %1 is not readable and writable").arg(dataDir));
    QFile::setPermissions(dataDir, QFile::ReadOwner | QFile::WriteOwner | QFile::ExeOwner);
    return {};
}

Result<StorageBootstrap::Database> StorageBootstrap::openDatabase(const Settings &settings,
                                                                  const Clock &clock)
{
    Result<DatabaseConfig> config = DatabaseConfig::fromSettings(settings);
    if (!config)
        return Error::make(config.error().code,
                           QStringLiteral("database configuration: ") + config.error().message);
    Database out;
    out.factory = std::make_unique<ConnectionFactory>(config.value());
    out.redactedUrl = config.value().redacted();
    out.backend = config.value().backendName();
    Result<std::unique_ptr<Db>> db = out.factory->open(QStringLiteral("migrate"));
    if (!db)
        return Error::make(db.error().code, QStringLiteral("cannot open the database %1: %2")
                                                .arg(out.redactedUrl, db.error().message));
    const Result<int> version = Migrator(clock).migrate(*db.value());
    if (!version)
        return Error::make(version.error().code,
                           QStringLiteral("cannot migrate the database %1: %2")
                               .arg(out.redactedUrl, version.error().message));
    out.db = std::move(db).value();
    out.schemaVersion = version.value();
    return out;
}

Result<std::shared_ptr<const KeyWrapper>>
StorageBootstrap::loadMasterKey(const Settings &settings, Db &db, SecretStoreKind autoKind)
{
    Result<SecretStoreChoice> choice = SecretStoreFactory::choice(settings, autoKind);
    if (!choice)
        return choice.error();
    QEventLoop loop;
    QObject context;
    std::optional<Result<MasterKey>> key;
    MasterKeyBootstrap::run(
        &context, db, choice.value(),
        [&settings](SecretStoreKind kind) { return SecretStoreFactory::create(kind, settings); },
        [&](Result<MasterKey> result) {
            key = std::move(result);
            loop.quit();
        });
    if (!key)
        loop.exec();
    if (!key->ok())
        return Error::make(key->error().code,
                           QStringLiteral("master key: ") + key->error().message);
    auto wrapper = std::make_shared<const MasterKey>(key->value());
    qCInfo(lcCore).noquote() << "master key" << wrapper->keyId() << "loaded";
    return std::shared_ptr<const KeyWrapper>(std::move(wrapper));
}

} // namespace cr
