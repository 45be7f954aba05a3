#include "engine/IdentityHost.h"

#include "core/CircuitBreakers.h"
#include "core/Clock.h"
#include "core/KeyWrapper.h"
#include "core/Logging.h"
#include "engine/IdentityGate.h"
#include "engine/StorageBootstrap.h"
#include "identity/Identity.h"
#include "identity/IdentityOptions.h"
#include "secrets/MasterKey.h"
#include "secrets/MasterKeyRecord.h"
#include "secrets/SecretStoreFactory.h"
#include "store/Db.h"
#include "store/StoragePool.h"
#include "telemetry/Metrics.h"

namespace cr {

IdentityHost::IdentityHost(const Settings &settings, const Clock &clock,
                           std::shared_ptr<Metrics> metrics, CircuitBreakers &breakers,
                           QObject *parent)
    : QObject(parent)
    , m_settings(settings)
    , m_clock(clock)
    , m_metrics(std::move(metrics))
    , m_breakers(breakers)
{}

IdentityHost::~IdentityHost()
{
    stop();
}

void IdentityHost::setKeyWrapper(std::shared_ptr<const KeyWrapper> wrapper)
{
    m_keyWrapper = std::move(wrapper);
}

void IdentityHost::setMasterKeyLoading(SecretStoreKind autoKind, bool afterListening)
{
    m_autoStore = autoKind;
    m_keyAfterListening = afterListening;
}

void IdentityHost::setSecretStoreFactory(MasterKeyBootstrap::StoreFactory factory)
{
    m_storeFactory = std::move(factory);
}

bool IdentityHost::isReady() const
{
    return m_gate && m_gate->isOpen();
}

Status IdentityHost::start()
{
    Result<StorageBootstrap::Database> opened = StorageBootstrap::openDatabase(m_settings, m_clock);
    if (!opened)
        return opened.error();
    StorageBootstrap::Database database = std::move(opened).value();
    const bool keyLater = !m_keyWrapper && m_keyAfterListening;
    if (!m_keyWrapper && !keyLater) {
        if (Status st = loadMasterKey(*database.db); !st)
            return st;
    }
    m_schemaVersion = database.schemaVersion;
    m_databaseBackend = database.backend;
    m_databaseUrl = database.redactedUrl;
    const IdentityOptions options = IdentityOptions::fromSettings(m_settings);
    Result<std::unique_ptr<Identity>> identity =
        keyLater ? Identity::openWithoutKeys(options, m_clock, *database.db)
                 : Identity::open(options, m_clock, *database.db, m_keyWrapper);
    m_gate = keyLater ? IdentityGate::closed() : IdentityGate::opened();
    if (keyLater && identity)
        m_keyDb = std::move(database.db); // for the master key, after listening
    database.db.reset(); // the migration connection belongs to this thread: close it here
    if (!identity)
        return identity.error();
    m_pool = std::make_unique<StoragePool>(*database.factory,
                                           StoragePool::Options{m_settings.storageThreads, 1024});
    // The database's circuit breaker (docs/OBSERVABILITY.md) and the query duration metric.
    CircuitBreakerOptions breaker;
    breaker.failureThreshold = m_settings.breakerFailureThreshold;
    breaker.coolDownMs = m_settings.breakerCoolDownMs;
    breaker.halfOpenProbes = m_settings.breakerHalfOpenProbes;
    m_pool->setBreaker(m_breakers.add(QStringLiteral("database"), breaker));
    m_pool->setQueryObserver(
        [metrics = m_metrics](double seconds, bool) { metrics->dbQuery(seconds); });
    m_pool->start();
    m_identity = std::move(identity).value();
    m_identity->start(*m_pool);
    qCInfo(lcCore).noquote() << "database" << m_databaseUrl << "at schema version"
                             << m_schemaVersion;
    return {};
}

void IdentityHost::finishStart()
{
    if (m_keyDb)
        loadMasterKeyAfterListening();
    else
        QMetaObject::invokeMethod(this, &IdentityHost::ready, Qt::QueuedConnection);
}

void IdentityHost::stop()
{
    if (m_identity)
        m_identity->stop();
    if (m_pool)
        m_pool->stop();
    m_identity.reset();
    m_pool.reset();
}

// The master key, from the store the database records (or, on first start, the configured
// one). A key file answers at once; a keychain within keychainTimeoutMs per call, so this wait
// is bounded. "auto" means the key file here.
Status IdentityHost::loadMasterKey(Db &db)
{
    Result<std::shared_ptr<const KeyWrapper>> key =
        StorageBootstrap::loadMasterKey(m_settings, db, SecretStoreKind::KeyFile);
    if (!key)
        return key.error();
    m_keyWrapper = key.value();
    // Which store holds it, for the health check that asks that store again now and then.
    const Result<std::optional<MasterKeyRecord>> record = MasterKeyRecord::load(db);
    if (record && record.value())
        m_secretStoreKind = secretStoreKindName(record.value()->store());
    return {};
}

// The console's start: the server already listens; the key comes from the (maybe slow,
// maybe prompting) keychain, then the signing keys are installed and the gate opens.
void IdentityHost::loadMasterKeyAfterListening()
{
    Result<SecretStoreChoice> choice = SecretStoreFactory::choice(m_settings, m_autoStore);
    if (!choice)
        return failed(choice.error().message);
    MasterKeyBootstrap::StoreFactory stores = m_storeFactory;
    if (!stores)
        stores = [settings = m_settings](SecretStoreKind kind) {
            return SecretStoreFactory::create(kind, settings);
        };
    MasterKeyBootstrap::run(this, *m_keyDb, choice.value(), stores, [this](Result<MasterKey> key) {
        if (!m_keyDb || !m_identity)
            return; // stopped meanwhile
        if (!key) {
            m_keyDb.reset();
            return failed(QStringLiteral("master key: ") + key.error().message);
        }
        m_keyWrapper = std::make_shared<MasterKey>(key.value());
        const Result<std::optional<MasterKeyRecord>> record = MasterKeyRecord::load(*m_keyDb);
        if (record && record.value())
            m_secretStoreKind = secretStoreKindName(record.value()->store());
        const Status st = m_identity->installKeys(*m_keyDb, m_keyWrapper);
        m_keyDb.reset();
        if (!st)
            return failed(st.error().message);
        m_gate->open();
        qCInfo(lcCore).noquote() << "master key" << m_keyWrapper->keyId()
                                 << "loaded after listening; accounts are available";
        Q_EMIT ready();
    });
}

void IdentityHost::failed(const QString &reason)
{
    qCCritical(lcCore).noquote() << "accounts stay unavailable:" << reason;
    m_gate->fail(reason);
    Q_EMIT unavailable(reason);
}

} // namespace cr
