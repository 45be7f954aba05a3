#include "secrets/MasterKeyBootstrap.h"

#include "secrets/SecretsLogging.h"

#include <QObject>
#include <QThread>

namespace cr {

void MasterKeyBootstrap::run(QObject *context, Db &db, SecretStoreChoice choice,
                             StoreFactory stores, Done done)
{
    std::make_shared<MasterKeyBootstrap>(context, db, choice, std::move(stores), std::move(done))
        ->start();
}

QString MasterKeyBootstrap::missingKeyMessage(const QString &keyId, const QString &location)
{
    return QStringLiteral("the master key %1 expected in %2 is missing; restore it (see "
                          "docs/SECRETS.md) — CodeRunner will not create a new one over "
                          "existing data")
        .arg(keyId, location);
}

MasterKeyBootstrap::MasterKeyBootstrap(QObject *context, Db &db, SecretStoreChoice choice,
                                       StoreFactory stores, Done done)
    : m_context(context)
    , m_db(db)
    , m_choice(choice)
    , m_stores(std::move(stores))
    , m_done(std::move(done))
{
    Q_ASSERT_X(context && context->thread() == QThread::currentThread(), "MasterKeyBootstrap",
               "run in the thread the context lives in");
}

void MasterKeyBootstrap::start()
{
    const Result<std::optional<MasterKeyRecord>> recorded = MasterKeyRecord::load(m_db);
    if (!recorded)
        return finish(recorded.error());
    if (recorded.value())
        return readRecorded(*recorded.value());
    firstStart();
}

void MasterKeyBootstrap::readRecorded(const MasterKeyRecord &record)
{
    if (!m_choice.automatic && m_choice.kind != record.store())
        return finish(Error::make(
            ErrorCode::ValidationError,
            QStringLiteral("the database expects its master key %1 in the %2 store, but the "
                           "secretStore setting says %3; set it to %2 (or auto)")
                .arg(record.keyId(), secretStoreKindName(record.store()),
                     secretStoreKindName(m_choice.kind))));
    m_store = m_stores(record.store());
    auto self = shared_from_this();
    m_store->readMasterKey(m_context, [self, record](Result<SecretStore::MaybeKey> read) {
        const QString location = self->m_store->location();
        if (!read)
            return self->finish(Error::make(
                read.error().code, QStringLiteral("cannot read the master key %1 from %2: %3")
                                       .arg(record.keyId(), location, read.error().message)));
        if (!read.value())
            return self->finish(Error::make(ErrorCode::DependencyUnavailable,
                                            missingKeyMessage(record.keyId(), location)));
        Result<MasterKey> key = MasterKey::fromBytes(read.value()->view());
        if (!key)
            return self->finish(key.error());
        if (key.value().keyId() != record.keyId())
            return self->finish(Error::make(
                ErrorCode::Conflict,
                QStringLiteral("%1 holds the master key %2, but the database expects %3; "
                               "restore the right key (see docs/SECRETS.md) — CodeRunner will "
                               "not use another key over existing data")
                    .arg(location, key.value().keyId(), record.keyId())));
        qCInfo(lcSecrets).noquote() << "master key" << record.keyId() << "read from" << location;
        self->finish(std::move(key));
    });
}

void MasterKeyBootstrap::firstStart()
{
    m_store = m_stores(m_choice.kind);
    auto self = shared_from_this();
    m_store->readMasterKey(m_context, [self](Result<SecretStore::MaybeKey> read) {
        if (!read)
            return self->finish(read.error());
        if (!read.value())
            return self->mint();
        // A key no database records yet, e.g. the key file every instance of a cluster shares:
        // use it rather than mint another.
        Result<MasterKey> key = MasterKey::fromBytes(read.value()->view());
        if (!key)
            return self->finish(key.error());
        self->record(key.value(), "adopted");
    });
}

void MasterKeyBootstrap::mint()
{
    const MasterKey key = MasterKey::generate();
    auto self = shared_from_this();
    m_store->writeMasterKey(m_context, key.bytes(), [self, key](Status written) {
        if (!written)
            return self->finish(
                Error::make(written.error().code,
                            QStringLiteral("cannot store a new master key in %1: %2")
                                .arg(self->m_store->location(), written.error().message)));
        self->record(key, "created");
    });
}

void MasterKeyBootstrap::record(const MasterKey &key, const char *how)
{
    if (Status saved = MasterKeyRecord::save(m_db, MasterKeyRecord(m_store->kind(), key.keyId()));
        !saved)
        return finish(saved.error());
    qCInfo(lcSecrets).noquote() << "master key" << key.keyId() << how << "in" << m_store->location()
                                << "and recorded in the database";
    finish(key);
}

void MasterKeyBootstrap::finish(Result<MasterKey> result)
{
    if (!result)
        qCCritical(lcSecrets).noquote() << result.error().message;
    // Always from the event loop, never inside run().
    auto self = shared_from_this();
    QMetaObject::invokeMethod(
        m_context,
        [self, result]() {
            if (Done done = std::move(self->m_done))
                done(result);
        },
        Qt::QueuedConnection);
}

} // namespace cr
