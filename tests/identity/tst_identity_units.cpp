// The identity module's parts without HTTP: the RevocationSet, the ProfileCache, opaque tokens,
// e-mail and LIKE helpers, the TokenAuthenticator's revocation and API-key rules, the signing-key
// store, and the repositories' owner scoping on both backends.

#include "IdentityTestSupport.h"
#include "StoreTestSupport.h"
#include "auth/JwtCodec.h"
#include "auth/KeySet.h"
#include "auth/VerifiedTokenCache.h"
#include "identity/ApiKeyIndex.h"
#include "identity/ApiKeyRepository.h"
#include "identity/EmailAddress.h"
#include "identity/JsonTime.h"
#include "identity/LikePattern.h"
#include "identity/OpaqueToken.h"
#include "identity/ProfileCache.h"
#include "identity/RevocationSet.h"
#include "identity/SessionRepository.h"
#include "identity/SigningKeyStore.h"
#include "identity/TokenAuthenticator.h"
#include "identity/UserRepository.h"
#include "identity/UserStates.h"
#include "store/Migrator.h"

#include <QTest>

using namespace cr;

class TstIdentityUnits : public QObject
{
    Q_OBJECT

private Q_SLOTS:
    void revocationSet()
    {
        ManualClock clock;
        RevocationSet set(clock, 60 * 1000);
        QVERIFY(!set.isRevoked(QStringLiteral("s1"), QStringLiteral("u1"), 100));
        set.revokeSession(QStringLiteral("s1"), clock.wallMs());
        QVERIFY(set.isSessionRevoked(QStringLiteral("s1")));
        QVERIFY(set.isRevoked(QStringLiteral("s1"), QStringLiteral("u1"), 100));
        QVERIFY(!set.isRevoked(QStringLiteral("s2"), QStringLiteral("u1"), 100));

        // "Issued before": whole seconds before the change's second are refused.
        set.revokeUserBefore(QStringLiteral("u1"), 5500);
        QVERIFY(set.isRevoked(QStringLiteral("s2"), QStringLiteral("u1"), 4));
        QVERIFY(!set.isRevoked(QStringLiteral("s2"), QStringLiteral("u1"), 5));
        QVERIFY(!set.isRevoked(QStringLiteral("s2"), QStringLiteral("u2"), 4));
        set.revokeUserBefore(QStringLiteral("u1"), 1000); // never moves back
        QVERIFY(set.isRevoked(QStringLiteral("s2"), QStringLiteral("u1"), 4));

        // Sessions are forgotten after the retention (no token of them can verify then).
        clock.advance(61 * 1000);
        set.prune();
        QVERIFY(!set.isSessionRevoked(QStringLiteral("s1")));
        QCOMPARE(set.sessionCount(), 0);
    }

    void profileCache()
    {
        ManualClock clock;
        ProfileCache cache(clock, 2000, 3);
        User alice;
        alice.id = QStringLiteral("u1");
        alice.name = QStringLiteral("Alice");
        alice.passwordHash = "$argon2id$secret";
        QVERIFY(!cache.find(alice.id));
        cache.store(alice, cache.generation());
        std::optional<User> hit = cache.find(alice.id);
        QVERIFY(hit);
        QCOMPARE(hit->name, QStringLiteral("Alice"));
        QVERIFY(hit->passwordHash.isEmpty()); // never kept

        // The TTL, on the injected clock.
        clock.advance(1999);
        QVERIFY(cache.find(alice.id));
        clock.advance(1);
        QVERIFY(!cache.find(alice.id));

        // forget() drops the row, and a read that began before it cannot put the old row back.
        const quint64 before = cache.generation();
        cache.store(alice, before);
        QVERIFY(cache.find(alice.id));
        cache.forget(alice.id);
        QVERIFY(!cache.find(alice.id));
        cache.store(alice, before); // the racing read's old row
        QVERIFY(!cache.find(alice.id));
        alice.name = QStringLiteral("Alice B.");
        cache.store(alice, cache.generation()); // a read that began after the change
        QCOMPARE(cache.find(alice.id)->name, QStringLiteral("Alice B."));

        // Bounded: a full cache drops expired rows first, then all of them.
        for (const char *id : {"u2", "u3"}) {
            User u;
            u.id = QString::fromLatin1(id);
            cache.store(u, cache.generation());
        }
        QCOMPARE(cache.size(), 3);
        clock.advance(2000);
        User u4;
        u4.id = QStringLiteral("u4");
        cache.store(u4, cache.generation());
        QCOMPARE(cache.size(), 1);
        QVERIFY(cache.find(u4.id));
        for (const char *id : {"u5", "u6", "u7"}) {
            User u;
            u.id = QString::fromLatin1(id);
            cache.store(u, cache.generation());
        }
        QVERIFY(cache.size() <= 3);
        QVERIFY(cache.find(QStringLiteral("u7")));

        // A TTL of 0 turns the cache off.
        ProfileCache off(clock, 0);
        off.store(alice, off.generation());
        QVERIFY(!off.find(alice.id));
        QCOMPARE(off.size(), 0);
    }

    void opaqueTokens()
    {
        const QByteArray refresh = OpaqueToken::newRefreshToken();
        QCOMPARE(refresh.size(), 43);
        QVERIFY(OpaqueToken::isRefreshTokenShape(refresh));
        QVERIFY(refresh != OpaqueToken::newRefreshToken());
        const QByteArray key = OpaqueToken::newApiKey();
        QVERIFY(key.startsWith("cr_"));
        QCOMPARE(key.size(), 46);
        QVERIFY(OpaqueToken::isApiKeyShape(key));
        QVERIFY(!OpaqueToken::isApiKeyShape(key.left(45)));
        QVERIFY(!OpaqueToken::isApiKeyShape(QByteArray("cr_" + QByteArray(42, 'A') + '=')));
        QVERIFY(!OpaqueToken::isApiKeyShape(QByteArray("cx_" + key.mid(3))));
        const QString hash = OpaqueToken::hash(key);
        QCOMPARE(hash.size(), 64);
        QCOMPARE(hash, OpaqueToken::hash(key));
        QVERIFY(hash != OpaqueToken::hash(OpaqueToken::newApiKey()));
        QVERIFY(!hash.contains(QString::fromLatin1(key.mid(3))));
    }

    void helpers()
    {
        QCOMPARE(EmailAddress::normalize(QStringLiteral("  A.B@Example.COM ")),
                 QStringLiteral("a.b@example.com"));
        for (const char *ok : {"a@b.co", "first.last+tag@sub.example.org"})
            QVERIFY2(EmailAddress::isValid(QString::fromLatin1(ok)), ok);
        for (const char *bad : {"", "a", "a@b", "@b.co", "a@.co", "a@b.", "a b@c.de", "a@b@c.de",
                                "a@b..de", "<a>@b.de"})
            QVERIFY2(!EmailAddress::isValid(QString::fromLatin1(bad)), bad);
        QCOMPARE(LikePattern::contains(QStringLiteral("a%b_c\\d")),
                 QStringLiteral("%a\\%b\\_c\\\\d%"));
        QCOMPARE(JsonTime::iso(1767225600123), QStringLiteral("2026-01-01T00:00:00.123Z"));
        QCOMPARE(JsonTime::parse(QStringLiteral("2026-01-01T01:00:00+01:00")),
                 std::optional<qint64>(1767225600000));
        QVERIFY(!JsonTime::parse(QStringLiteral("2026-01-01T00:00:00")));
        QVERIFY(!JsonTime::parse(QStringLiteral("tomorrow")));
    }

    void authenticatorRules()
    {
        ManualClock clock;
        auto keys = std::make_shared<KeySet>(clock);
        keys->rotate();
        JwtCodec codec(keys, clock, {QStringLiteral("iss"), QStringLiteral("aud"), 30, 900});
        VerifiedTokenCache cache(clock);
        RevocationSet revocations(clock);
        UserStates users;
        ApiKeyIndex apiKeys;
        TokenAuthenticator auth(clock, codec, cache, revocations, users, apiKeys);

        const QString uid = QStringLiteral("u1");
        users.put(uid, {Role::Operator, false});
        JwtCodec::Claims claims{uid, Role::Operator, QStringLiteral("s1"), {}, 0};
        const QByteArray token = codec.issue(claims).value().token;
        for (int i = 0; i < 2; ++i) { // verified, then from the cache: the same checks
            const Result<Principal> p = auth.authenticate(token);
            QVERIFY(p);
            QCOMPARE(p.value().role, Role::Operator);
            QCOMPARE(p.value().sessionId, QStringLiteral("s1"));
            QVERIFY(!p.value().viaApiKey);
        }
        QCOMPARE(cache.size(), 1);
        // Role changed: the claim no longer matches.
        users.setRole(uid, Role::Viewer);
        QCOMPARE(auth.authenticate(token).error().code, ErrorCode::Unauthorized);
        users.setRole(uid, Role::Operator);
        QVERIFY(auth.authenticate(token));
        // Role changed and back within a later second: issued before → refused.
        clock.advance(2000);
        revocations.revokeUserBefore(uid, clock.wallMs());
        QVERIFY(!auth.authenticate(token));
        const QByteArray later = codec.issue(claims).value().token;
        QVERIFY(auth.authenticate(later));
        // Session revoked; disabled; unknown user.
        revocations.revokeSession(QStringLiteral("s1"), clock.wallMs());
        QVERIFY(!auth.authenticate(later));
        JwtCodec::Claims other{uid, Role::Operator, QStringLiteral("s2"), {}, 0};
        const QByteArray t2 = codec.issue(other).value().token;
        QVERIFY(auth.authenticate(t2));
        users.setDisabled(uid, true);
        QVERIFY(!auth.authenticate(t2));
        users.remove(uid);
        QVERIFY(!auth.authenticate(t2));

        // API keys: lower of key and owner role; expiry; disabled owner.
        users.put(QStringLiteral("u2"), {Role::Developer, false});
        const QByteArray secret = OpaqueToken::newApiKey();
        ApiKey key;
        key.id = QStringLiteral("k1");
        key.userId = QStringLiteral("u2");
        key.keyHash = OpaqueToken::hash(secret);
        key.role = Role::Admin; // stored higher than the owner: capped anyway
        key.expiresAtMs = clock.wallMs() + 10000;
        apiKeys.put(key);
        Result<Principal> p = auth.authenticate(secret);
        QVERIFY(p);
        QCOMPARE(p.value().role, Role::Developer);
        QVERIFY(p.value().viaApiKey);
        QVERIFY(apiKeys.lastUsed(QStringLiteral("k1")) > 0);
        QCOMPARE(apiKeys.takeUsage().size(), 1);
        QCOMPARE(apiKeys.takeUsage().size(), 0);
        users.setRole(QStringLiteral("u2"), Role::Viewer);
        QCOMPARE(auth.authenticate(secret).value().role, Role::Viewer);
        users.setDisabled(QStringLiteral("u2"), true);
        QVERIFY(!auth.authenticate(secret));
        users.setDisabled(QStringLiteral("u2"), false);
        clock.advance(10000);
        QVERIFY(!auth.authenticate(secret));
        QVERIFY(!auth.authenticate(OpaqueToken::newApiKey()));
        apiKeys.remove(QStringLiteral("k1"));
        QCOMPARE(apiKeys.size(), 0);
    }

    void signingKeyStore()
    {
        CR_TEST_DATABASE(db, QStringLiteral("sqlite"));
        auto conn = test::openDb(db);
        ManualClock clock;
        QVERIFY(Migrator(clock).migrate(*conn).ok());
        auto wrapper = std::make_shared<idtest::FakeKeyWrapper>();

        KeySet first(clock);
        bool persisted = false;
        QVERIFY(SigningKeyStore(wrapper).loadOrCreate(*conn, first, &persisted).ok());
        QVERIFY(persisted);
        KeySet second(clock);
        QVERIFY(SigningKeyStore(wrapper).loadOrCreate(*conn, second, &persisted).ok());
        QCOMPARE(second.current().kid(), first.current().kid());
        // The stored text holds no key material in the clear.
        const QByteArray stored = conn->scalar(Sql("SELECT value FROM settings_kv WHERE key = ?"),
                                               {QString::fromLatin1(SigningKeyStore::kSettingsKey)})
                                      .value()
                                      .toString()
                                      .toLatin1();
        QVERIFY(stored.contains("test-wrapper"));
        QVERIFY(!stored.contains(first.current().publicJwk().value(u"x").toString().toLatin1()));

        // A rotation is saved with the previous key kept for verification.
        first.rotate();
        QVERIFY(SigningKeyStore(wrapper).save(*conn, first).ok());
        KeySet third(clock);
        QVERIFY(SigningKeyStore(wrapper).loadOrCreate(*conn, third, &persisted).ok());
        QCOMPARE(third.current().kid(), first.current().kid());
        QCOMPARE(third.keys().size(), 2);

        // Without a wrapper: a fresh key, nothing stored or read.
        KeySet memory(clock);
        QVERIFY(SigningKeyStore(nullptr).loadOrCreate(*conn, memory, &persisted).ok());
        QVERIFY(!persisted);
        QVERIFY(memory.current().kid() != first.current().kid());
    }

    void ownerScoping_data() { test::addBackendRows(); }
    void ownerScoping()
    {
        QFETCH(QString, backend);
        CR_TEST_DATABASE(db, backend);
        auto conn = test::openDb(db);
        ManualClock clock;
        QVERIFY(Migrator(clock).migrate(*conn).ok());
        for (const char *id : {"u1", "u2"}) {
            User u;
            u.id = QString::fromLatin1(id);
            u.email = u.id + QStringLiteral("@example.com");
            u.passwordHash = "x";
            u.createdAtMs = u.updatedAtMs = 1;
            QVERIFY(UserRepository::insert(*conn, u).ok());
        }
        User dup;
        dup.id = QStringLiteral("u3");
        dup.email = QStringLiteral("u1@example.com");
        QCOMPARE(UserRepository::insert(*conn, dup).error().code, ErrorCode::Conflict);

        ApiKey key;
        key.id = QStringLiteral("k1");
        key.userId = QStringLiteral("u1");
        key.name = QStringLiteral("n");
        key.keyHash = OpaqueToken::hash(OpaqueToken::newApiKey());
        key.createdAtMs = 1;
        QVERIFY(ApiKeyRepository::insert(*conn, key).ok());
        QVERIFY(ApiKeyRepository::find(*conn, key.id, QStringLiteral("u1")).value().has_value());
        QVERIFY(!ApiKeyRepository::find(*conn, key.id, QStringLiteral("u2")).value().has_value());
        QCOMPARE(ApiKeyRepository::revoke(*conn, key.id, QStringLiteral("u2"), 5).value(), 0);
        QCOMPARE(ApiKeyRepository::listForUser(*conn, QStringLiteral("u2"), {}).value().total, 0);
        QCOMPARE(ApiKeyRepository::revoke(*conn, key.id, QStringLiteral("u1"), 5).value(), 1);
        QCOMPARE(ApiKeyRepository::revoke(*conn, key.id, QStringLiteral("u1"), 6).value(), 0);

        Session s;
        s.id = s.familyId = QStringLiteral("s1");
        s.userId = QStringLiteral("u1");
        s.createdAtMs = s.lastSeenAtMs = 1;
        s.expiresAtMs = 1000;
        QVERIFY(SessionRepository::insert(*conn, s, QStringLiteral("h1")).ok());
        QCOMPARE(
            SessionRepository::revokeFamily(*conn, s.familyId, QStringLiteral("u2"), 5).value(), 0);
        // The rotation is one conditional update: only the first caller changes the row.
        QCOMPARE(SessionRepository::markRotated(*conn, QStringLiteral("h1"), 7).value(), 1);
        QCOMPARE(SessionRepository::markRotated(*conn, QStringLiteral("h1"), 8).value(), 0);
        QCOMPARE(
            SessionRepository::revokeFamily(*conn, s.familyId, QStringLiteral("u1"), 9).value(), 1);
        QCOMPARE(SessionRepository::revokedSince(*conn, 0).value().size(), 1);
    }
};

QTEST_GUILESS_MAIN(TstIdentityUnits)
#include "tst_identity_units.moc"
