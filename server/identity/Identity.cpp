#include "identity/Identity.h"

#include "auth/JwtCodec.h"
#include "auth/KeySet.h"
#include "auth/PasswordHasher.h"
#include "auth/PasswordPolicy.h"
#include "auth/SigningKey.h"
#include "auth/VerifiedTokenCache.h"
#include "core/Clock.h"
#include "identity/AccountService.h"
#include "identity/AdminService.h"
#include "identity/ApiKeyIndex.h"
#include "identity/ApiKeyRepository.h"
#include "identity/ApiKeyService.h"
#include "identity/IdentityLogging.h"
#include "identity/ProfileCache.h"
#include "identity/ProfileService.h"
#include "identity/RevocationSet.h"
#include "identity/SessionRepository.h"
#include "identity/SessionService.h"
#include "identity/SigningKeyStore.h"
#include "identity/TokenAuthenticator.h"
#include "identity/UserProvisioning.h"
#include "identity/UserRepository.h"
#include "identity/UserStates.h"
#include "store/Db.h"
#include "store/StoragePool.h"
#include "store/Transaction.h"

#include <QThread>

#include <QTimer>
#include <algorithm>

namespace cr {
namespace {
constexpr int kHousekeepingMs = 60 * 1000;
}

Identity::Identity(const IdentityOptions &options, const Clock &clock)
    : m_clock(clock)
{
    m_keys = std::make_shared<KeySet>(clock, options.signingKeyRetentionMs());
    JwtCodec::Options codec;
    codec.issuer = QString::fromLatin1(IdentityOptions::kIssuer);
    codec.audience = QString::fromLatin1(IdentityOptions::kAudience);
    codec.lifetimeSeconds = options.accessTokenTtlSeconds;
    m_codec = std::make_unique<JwtCodec>(m_keys, clock, codec);
    m_cache = std::make_unique<VerifiedTokenCache>(clock);
    m_revocations = std::make_unique<RevocationSet>(clock);
    m_users = std::make_unique<UserStates>();
    m_profileCache = std::make_unique<ProfileCache>(clock, options.profileCacheMs);
    m_apiKeyIndex = std::make_unique<ApiKeyIndex>();
    m_policy = std::make_unique<PasswordPolicy>(options.passwordMinLength);
    m_hasher = std::make_unique<PasswordHasher>(clock, options.hashing());
    m_authenticator = std::make_shared<TokenAuthenticator>(
        clock, *m_codec, *m_cache, *m_revocations, *m_users, *m_apiKeyIndex);
    m_env.clock = &clock;
    m_env.options = options;
    m_env.revocations = m_revocations.get();
    m_env.users = m_users.get();
    m_env.profileCache = m_profileCache.get();
    m_env.apiKeys = m_apiKeyIndex.get();
    m_env.hasher = m_hasher.get();
    m_env.policy = m_policy.get();
    m_env.codec = m_codec.get();
    m_sessions = std::make_unique<SessionService>(m_env);
    m_profiles = std::make_unique<ProfileService>(m_env);
    m_accounts = std::make_unique<AccountService>(m_env, *m_sessions, *m_profiles);
    m_apiKeys = std::make_unique<ApiKeyService>(m_env);
    m_admin = std::make_unique<AdminService>(m_env);
    m_provisioning = std::make_unique<UserProvisioning>(m_env);
}

Identity::~Identity()
{
    stop();
}

Result<std::unique_ptr<Identity>> Identity::open(const IdentityOptions &options, const Clock &clock,
                                                 Db &db, std::shared_ptr<const KeyWrapper> wrapper)
{
    Result<std::unique_ptr<Identity>> identity = openWithoutKeys(options, clock, db);
    if (!identity)
        return identity;
    if (Status st = identity.value()->installKeys(db, std::move(wrapper)); !st)
        return st.error();
    return identity;
}

Status Identity::installKeys(Db &db, std::shared_ptr<const KeyWrapper> wrapper)
{
    bool persisted = false;
    if (Status st = SigningKeyStore(wrapper).loadOrCreate(db, *m_keys, &persisted); !st)
        return Error::make(st.error().code,
                           QStringLiteral("cannot set up the token signing keys: ") +
                               st.error().message);
    {
        QMutexLocker lock(&m_wrapperMutex);
        m_wrapper = std::move(wrapper);
    }
    m_keysPersisted.store(persisted);
    return {};
}

Result<std::unique_ptr<Identity>> Identity::openWithoutKeys(const IdentityOptions &options,
                                                            const Clock &clock, Db &db)
{
    std::unique_ptr<Identity> identity(new Identity(options, clock));
    if (Status st = identity->load(db); !st)
        return Error::make(st.error().code,
                           QStringLiteral("cannot load the accounts: ") + st.error().message);
    if (Status st = identity->bootstrapAdmin(db); !st)
        return Error::make(st.error().code,
                           QStringLiteral("cannot apply adminEmail: ") + st.error().message);
    return identity;
}

Status Identity::load(Db &db)
{
    const qint64 now = m_clock.wallMs();
    const Result<QList<User>> users = UserRepository::all(db);
    if (!users)
        return users.error();
    for (const User &u : users.value()) {
        m_users->put(u.id, UserStates::State{u.role, u.disabled});
        if (u.roleChangedAtMs > 0)
            m_revocations->revokeUserBefore(u.id, u.roleChangedAtMs);
    }
    const qint64 since = now - m_revocations->retentionMs();
    const Result<QList<QPair<QString, qint64>>> revoked =
        SessionRepository::revokedSince(db, since);
    if (!revoked)
        return revoked.error();
    for (const auto &r : revoked.value())
        m_revocations->revokeSession(r.first, r.second);
    const Result<QList<ApiKey>> keys = ApiKeyRepository::loadUsable(db, now);
    if (!keys)
        return keys.error();
    for (const ApiKey &k : keys.value())
        m_apiKeyIndex->put(k);
    // Families that ended longer ago than any of their access tokens can live.
    if (const Result<int> purged = SessionRepository::purgeExpired(db, since); !purged)
        qCWarning(lcIdentity).noquote()
            << "could not purge expired sessions:" << purged.error().message;
    qCInfo(lcIdentity) << "accounts:" << m_users->size()
                       << "revoked sessions:" << m_revocations->sessionCount()
                       << "API keys:" << m_apiKeyIndex->size();
    return {};
}

Status Identity::bootstrapAdmin(Db &db)
{
    const QString email = m_env.options.adminEmail;
    if (email.isEmpty())
        return {};
    Transaction tx(db);
    if (!tx.begun())
        return tx.begun().error();
    const Result<bool> any = UserRepository::anyAdmin(db);
    if (!any)
        return any.error();
    if (any.value())
        return {};
    const Result<std::optional<User>> user = UserRepository::findByEmail(db, email);
    if (!user)
        return user.error();
    if (!user.value()) {
        qCInfo(lcIdentity) << "adminEmail: no account with that address yet; it becomes admin "
                              "when it registers";
        return {};
    }
    AdminService::UserChange change;
    change.role = Role::Admin;
    Result<AdminService::Applied> applied =
        AdminService::applyInJob(db, m_env, Caller(), user.value()->id, change);
    if (!applied)
        return applied.error();
    if (Status st = tx.commit(); !st)
        return st;
    AdminService::applyCommitted(m_env, applied.value(), m_clock.wallMs());
    qCInfo(lcIdentity) << "adminEmail: made the account admin";
    return {};
}

void Identity::start(StoragePool &pool)
{
    if (m_thread)
        return;
    m_env.pool = &pool;
    m_thread = new QThread;
    m_thread->setObjectName(QStringLiteral("cr-identity"));
    m_context = new QObject;
    m_context->moveToThread(m_thread);
    m_env.context = m_context;
    m_thread->start();
    QMetaObject::invokeMethod(
        m_context,
        [this] {
            auto *timer = new QTimer(m_context);
            QObject::connect(timer, &QTimer::timeout, m_context, [this] { housekeeping(); });
            timer->start(kHousekeepingMs);
            // Does nothing while the keys are not stored (no wrapper).
            auto *reload = new QTimer(m_context);
            QObject::connect(reload, &QTimer::timeout, m_context, [this] { reloadKeys(); });
            reload->start(int(m_env.options.signingKeyReloadMs));
        },
        Qt::QueuedConnection);
}

void Identity::setRevocationListener(RevocationSet::Listener listener)
{
    m_revocations->setListener(std::move(listener));
}

void Identity::reloadKeys(std::function<void(bool changed)> done)
{
    std::shared_ptr<const KeyWrapper> wrapper;
    {
        QMutexLocker lock(&m_wrapperMutex);
        wrapper = m_wrapper;
    }
    if (!m_env.pool || !wrapper || !m_keysPersisted.load()) {
        if (done)
            done(false);
        return;
    }
    m_env.pool->run<std::optional<QList<SigningKey>>>(
        m_context, [wrapper](Db &db) { return SigningKeyStore(wrapper).read(db); },
        [this, done](Result<std::optional<QList<SigningKey>>> stored) {
            bool changed = false;
            if (!stored) {
                qCWarning(lcIdentity).noquote()
                    << "could not reload the token signing keys:" << stored.error().message;
            } else if (stored.value() && !stored.value()->isEmpty()) {
                QList<SigningKey> loaded = *stored.value();
                QStringList known;
                const QList<SigningKey> current = m_keys->keys();
                for (const SigningKey &k : current)
                    known << k.kid();
                // Keys past their retention are not worth a reload: restore() would drop them.
                const qint64 now = m_clock.wallMs();
                const qint64 retention = m_keys->retentionMs();
                changed = known.isEmpty() || loaded.first().kid() != known.first() ||
                          std::any_of(loaded.cbegin(), loaded.cend(), [&](const SigningKey &k) {
                              const bool valid =
                                  !k.isRetired() || now < k.retiredAtMs() + retention;
                              return valid && !known.contains(k.kid());
                          });
                if (changed) {
                    const SigningKey current = loaded.takeFirst();
                    m_keys->restore(current, loaded);
                    qCInfo(lcIdentity).noquote()
                        << "reloaded the token signing keys; current:" << current.kid();
                }
            }
            if (done)
                done(changed);
        });
}

void Identity::housekeeping()
{
    m_apiKeys->flushUsage();
    m_revocations->prune();
    m_keys->prune();
}

void Identity::stop()
{
    if (!m_thread)
        return;
    QObject *context = m_context;
    QMetaObject::invokeMethod(
        context, [context] { delete context; }, Qt::BlockingQueuedConnection);
    m_context = nullptr;
    m_thread->quit();
    m_thread->wait();
    delete m_thread;
    m_thread = nullptr;
}

std::shared_ptr<const Authenticator> Identity::authenticator() const
{
    return m_authenticator;
}

QJsonObject Identity::jwks() const
{
    return m_keys->jwks();
}

QString Identity::currentKeyId() const
{
    return m_keys->current().kid();
}

} // namespace cr
