#include "identity/SigningKeyStore.h"

#include "auth/Base64Url.h"
#include "auth/KeySet.h"
#include "auth/SigningKey.h"
#include "core/KeyWrapper.h"
#include "identity/IdentityLogging.h"
#include "store/Db.h"
#include "store/Transaction.h"

#include <QJsonArray>
#include <QJsonDocument>

#include <sodium.h>

namespace cr {
namespace {

QByteArrayView associatedData()
{
    return QByteArrayView(SigningKeyStore::kAssociatedData);
}

void wipe(QByteArray &bytes)
{
    if (!bytes.isEmpty())
        sodium_memzero(bytes.data(), size_t(bytes.size()));
}

} // namespace

SigningKeyStore::SigningKeyStore(std::shared_ptr<const KeyWrapper> wrapper)
    : m_wrapper(std::move(wrapper))
{}

Status SigningKeyStore::loadOrCreate(Db &db, KeySet &keys, bool *persisted) const
{
    *persisted = false;
    if (!m_wrapper) {
        keys.rotate();
        qCWarning(lcIdentity) << "no key wrapper is configured: token signing keys are kept in "
                                 "memory only, and access tokens stop verifying at restart";
        return {};
    }
    bool found = false;
    if (Status st = load(db, keys, &found); !st) {
        // The stored keys cannot be used (another master key, damage): tokens signed with them
        // cannot be verified anyway, so start with a new key rather than not at all.
        qCWarning(lcIdentity).noquote()
            << QStringLiteral("stored signing keys cannot be used (%1); replacing them with a "
                              "new key")
                   .arg(st.error().message);
        found = false;
    }
    if (found) {
        *persisted = true;
        return {};
    }
    keys.rotate();
    if (Status st = save(db, keys); !st)
        return st;
    *persisted = true;
    qCInfo(lcIdentity) << "created and stored a new token signing key";
    return {};
}

Status SigningKeyStore::load(Db &db, KeySet &keys, bool *found) const
{
    *found = false;
    Result<std::optional<QList<SigningKey>>> stored = read(db);
    if (!stored)
        return stored.error();
    if (!stored.value())
        return {};
    QList<SigningKey> loaded = *stored.value();
    const SigningKey current = loaded.takeFirst();
    keys.restore(current, loaded);
    *found = true;
    qCInfo(lcIdentity) << "loaded" << keys.keys().size() << "token signing key(s)";
    return {};
}

Result<SigningKey> SigningKeyStore::rotate(Db &db, KeySet &keys) const
{
    Transaction tx(db);
    if (!tx.begun())
        return tx.begun().error();
    bool persisted = false;
    if (Status st = loadOrCreate(db, keys, &persisted); !st)
        return st.error();
    const SigningKey fresh = keys.rotate();
    if (Status st = save(db, keys); !st)
        return st.error();
    if (Status st = tx.commit(); !st)
        return st.error();
    qCInfo(lcIdentity).noquote() << "rotated the token signing keys; current:" << fresh.kid();
    return fresh;
}

Result<std::optional<QList<SigningKey>>> SigningKeyStore::read(Db &db) const
{
    if (!m_wrapper)
        return Error::make(ErrorCode::Internal, QStringLiteral("no key wrapper"));
    const Result<QVariant> stored = db.scalar(Sql("SELECT value FROM settings_kv WHERE key = ?"),
                                              {QString::fromLatin1(kSettingsKey)});
    if (!stored)
        return stored.error();
    if (stored.value().isNull())
        return std::optional<QList<SigningKey>>();
    const QJsonObject doc = QJsonDocument::fromJson(stored.value().toString().toUtf8()).object();
    const QJsonArray list = doc.value(QStringLiteral("keys")).toArray();
    if (doc.value(QStringLiteral("version")).toInt() != 1 || list.isEmpty())
        return Error::make(ErrorCode::Internal, QStringLiteral("unknown stored format"));
    QList<SigningKey> loaded;
    for (const QJsonValue &v : list) {
        const std::optional<QByteArray> wrapped = Base64Url::decode(v.toString().toLatin1());
        if (!wrapped)
            return Error::make(ErrorCode::Internal, QStringLiteral("damaged stored key"));
        Result<QByteArray> plain = m_wrapper->unwrap(*wrapped, associatedData());
        if (!plain)
            return Error::make(ErrorCode::Internal,
                               QStringLiteral("a stored key cannot be unwrapped"));
        std::optional<SigningKey> key = SigningKey::fromBytes(plain.value());
        wipe(plain.value());
        if (!key)
            return Error::make(ErrorCode::Internal, QStringLiteral("damaged stored key"));
        loaded.append(*key);
    }
    return std::optional<QList<SigningKey>>(loaded);
}

Status SigningKeyStore::save(Db &db, const KeySet &keys) const
{
    if (!m_wrapper)
        return Error::make(ErrorCode::Internal, QStringLiteral("no key wrapper"));
    QJsonArray list;
    const QList<SigningKey> all = keys.keys();
    for (const SigningKey &key : all) {
        const Result<QByteArray> wrapped = m_wrapper->wrap(key.toBytes().view(), associatedData());
        if (!wrapped)
            return wrapped.error();
        list.append(QString::fromLatin1(Base64Url::encode(wrapped.value())));
    }
    const QJsonObject doc{{QStringLiteral("version"), 1},
                          {QStringLiteral("wrappingKeyId"), m_wrapper->keyId()},
                          {QStringLiteral("keys"), list}};
    const Result<int> r =
        db.exec(Sql("INSERT INTO settings_kv (key, value) VALUES (?, ?)"
                    " ON CONFLICT (key) DO UPDATE SET value = excluded.value"),
                {QString::fromLatin1(kSettingsKey),
                 QString::fromUtf8(QJsonDocument(doc).toJson(QJsonDocument::Compact))},
                Db::Retry::Idempotent);
    if (!r)
        return r.error();
    return {};
}

} // namespace cr
