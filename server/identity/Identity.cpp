#include "identity/Identity.h"

#include "auth/JwtCodec.h"
#include "auth/KeySet.h"
#include "auth/PasswordHasher.h"
#include "auth/PasswordPolicy.h"
#include "auth/VerifiedTokenCache.h"
#include "core/Clock.h"
#include "identity/AccountService.h"
#include "identity/AdminService.h"
#include "identity/ApiKeyIndex.h"
#include "identity/ApiKeyRepository.h"
#include "identity/ApiKeyService.h"
#include "identity/IdentityLogging.h"
#include "identity/RevocationSet.h"
#include "identity/SessionRepository.h"
#include "identity/SessionService.h"
#include "identity/SigningKeyStore.h"
#include "identity/TokenAuthenticator.h"
#include "identity/UserRepository.h"
#include "identity/UserStates.h"
#include "store/Db.h"
#include "store/Transaction.h"

#include <QThread>
#include <QTimer>

namespace cr {
namespace {
constexpr int kHousekeepingMs = 60 * 1000;
}

Identity::Identity(const IdentityOptions &options, const Clock &clock)
    : m_clock(clock)
{
    m_keys = std::make_shared<KeySet>(clock);
    JwtCodec::Options codec;
    codec.issuer = QString::fromLatin1(IdentityOptions::kIssuer);
    codec.audience = QString::fromLatin1(IdentityOptions::kAudience);
    codec.lifetimeSeconds = options.accessTokenTtlSeconds;
    m_codec = std::make_unique<JwtCodec>(m_keys, clock, codec);
    m_cache = std::make_unique<VerifiedTokenCache>(clock);
    m_revocations = std::make_unique<RevocationSet>(clock);
    m_users = std::make_unique<UserStates>();
    m_apiKeyIndex = std::make_unique<ApiKeyIndex>();
    m_policy = std::make_unique<PasswordPolicy>(options.passwordMinLength);
    PasswordHasher::Options hashing;
    hashing.memLimitBytes = size_t(options.passwordHashMemoryMib) * 1024 * 1024;
    hashing.threads = options.passwordHashThreads;
    hashing.priority =
        options.passwordHashIdlePriority ? QThread::IdlePriority : QThread::InheritPriority;
    m_hasher = std::make_unique<PasswordHasher>(clock, hashing);
    m_authenticator = std::make_shared<TokenAuthenticator>(
        clock, *m_codec, *m_cache, *m_revocations, *m_users, *m_apiKeyIndex);
    m_env.clock = &clock;
    m_env.options = options;
    m_env.revocations = m_revocations.get();
    m_env.users = m_users.get();
    m_env.apiKeys = m_apiKeyIndex.get();
    m_env.hasher = m_hasher.get();
    m_env.policy = m_policy.get();
    m_env.codec = m_codec.get();
    m_sessions = std::make_unique<SessionService>(m_env);
    m_accounts = std::make_unique<AccountService>(m_env, *m_sessions);
    m_apiKeys = std::make_unique<ApiKeyService>(m_env);
    m_admin = std::make_unique<AdminService>(m_env);
}

Identity::~Identity()
{
    stop();
}

Result<std::unique_ptr<Identity>> Identity::open(const IdentityOptions &options, const Clock &clock,
                                                 Db &db, std::shared_ptr<const KeyWrapper> wrapper)
{
    std::unique_ptr<Identity> identity(new Identity(options, clock));
    if (Status st = SigningKeyStore(std::move(wrapper))
                        .loadOrCreate(db, *identity->m_keys, &identity->m_keysPersisted);
        !st)
        return Error::make(st.error().code,
                           QStringLiteral("cannot set up the token signing keys: ") +
                               st.error().message);
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
        },
        Qt::QueuedConnection);
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
