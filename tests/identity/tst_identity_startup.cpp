// A start that loads the master key after listening (the console and its keychain): the
// server answers at once; until the key is there, identity routes and bearer credentials get
// 503 DEPENDENCY_UNAVAILABLE with Retry-After while /health/live works; then everything
// works. A key that cannot be loaded keeps accounts unavailable without stopping the server.

#include "IdentityTestSupport.h"

#include "engine/Engine.h"
#include "secrets/SecretStore.h"
#include "secrets/SecretStoreCall.h"

#include <QPointer>
#include <QSignalSpy>
#include <QTemporaryDir>
#include <QTest>

namespace {

// A keychain stand-in: answers from memory, fails, or keeps reads for the test to answer.
class FakeSecretStore final : public cr::SecretStore
{
public:
    enum class Mode
    {
        Answer,
        Fail,
        Manual
    };
    struct State
    {
        Mode mode = Mode::Answer;
        std::optional<QByteArray> key;
        QList<QPointer<cr::SecretStoreCall>> pending;
    };

    FakeSecretStore(std::shared_ptr<State> state, cr::SecretStoreKind kind)
        : m_state(std::move(state))
        , m_kind(kind)
    {}
    cr::SecretStoreKind kind() const override { return m_kind; }
    QString location() const override { return QStringLiteral("the test keychain"); }

protected:
    void startRead(cr::SecretStoreCall *call) override
    {
        if (m_state->mode == Mode::Manual)
            m_state->pending << call;
        else if (m_state->mode == Mode::Fail)
            call->answerRead(broken());
        else if (m_state->key)
            call->answerRead(MaybeKey(cr::SecretBytes(QByteArrayView(*m_state->key))));
        else
            call->answerRead(MaybeKey());
    }
    void startWrite(QByteArrayView key, cr::SecretStoreCall *call) override
    {
        if (m_state->mode == Mode::Fail)
            return call->answerWrite(broken());
        m_state->key = key.toByteArray();
        call->answerWrite({});
    }
    void startRemove(cr::SecretStoreCall *call) override
    {
        m_state->key.reset();
        call->answerWrite({});
    }

private:
    static cr::Error broken()
    {
        return cr::Error::make(cr::ErrorCode::DependencyUnavailable,
                               QStringLiteral("the test keychain is locked"));
    }
    std::shared_ptr<State> m_state;
    cr::SecretStoreKind m_kind;
};

} // namespace

class TstIdentityStartup : public QObject
{
    Q_OBJECT

private:
    struct Started
    {
        QTemporaryDir dir;
        std::shared_ptr<FakeSecretStore::State> store = std::make_shared<FakeSecretStore::State>();
        std::unique_ptr<cr::Engine> engine;
    };

    static std::unique_ptr<Started> start(FakeSecretStore::Mode mode)
    {
        auto s = std::make_unique<Started>();
        s->store->mode = mode;
        cr::Settings settings = idtest::settings();
        settings.dataDir = s->dir.path();
        s->engine = std::make_unique<cr::Engine>(settings);
        s->engine->setMasterKeyLoading(cr::SecretStoreKind::Keychain, true);
        s->engine->setSecretStoreFactory([state = s->store](cr::SecretStoreKind kind) {
            return std::make_unique<FakeSecretStore>(state, kind);
        });
        const cr::Status st = s->engine->start();
        if (!st) {
            qWarning("engine did not start: %s", qPrintable(st.error().message));
            return nullptr;
        }
        return s;
    }

    static void expectUnavailable(const std::optional<RawClient::Response> &r)
    {
        QVERIFY(r);
        QCOMPARE(r->status, 503);
        QCOMPARE(r->json().value(u"error").toObject().value(u"code").toString(),
                 QStringLiteral("DEPENDENCY_UNAVAILABLE"));
        QVERIFY(r->header("retry-after").toInt() >= 1);
    }

private Q_SLOTS:
    void listensBeforeTheKeyIsLoaded()
    {
        auto s = start(FakeSecretStore::Mode::Manual);
        QVERIFY(s);
        cr::Engine &engine = *s->engine;
        QSignalSpy ready(&engine, &cr::Engine::identityReady);
        QVERIFY(!engine.isIdentityReady());
        // The keychain has been asked and has not answered.
        QTRY_COMPARE(s->store->pending.size(), 1);

        const QJsonObject body{{QStringLiteral("email"), QStringLiteral("a@example.com")},
                               {QStringLiteral("password"), idtest::kPassword}};
        CR_EXPECT_STATUS(idtest::call(engine.port(), "GET", "/health/live"), 200);
        expectUnavailable(idtest::call(engine.port(), "POST", "/api/auth/register", &body));
        expectUnavailable(idtest::call(engine.port(), "POST", "/api/auth/login", &body));
        expectUnavailable(idtest::call(engine.port(), "GET", "/.well-known/jwks.json"));
        expectUnavailable(
            idtest::call(engine.port(), "GET", "/api/auth/me", nullptr, "some.bearer.token"));
        // Without credentials a protected route is still a plain 401.
        CR_EXPECT_STATUS(idtest::call(engine.port(), "GET", "/api/auth/me"), 401);

        // The keychain answers "no key yet": a new key is minted, stored, recorded.
        s->store->mode = FakeSecretStore::Mode::Answer;
        QPointer<cr::SecretStoreCall> call = s->store->pending.takeFirst();
        QVERIFY(call);
        call->answerRead(cr::SecretStore::MaybeKey());
        QTRY_COMPARE(ready.size(), 1);
        QVERIFY(engine.isIdentityReady());
        QVERIFY(s->store->key.has_value());

        CR_EXPECT_STATUS(idtest::call(engine.port(), "POST", "/api/auth/register", &body), 201);
        const auto in = idtest::call(engine.port(), "POST", "/api/auth/login", &body);
        CR_EXPECT_STATUS(in, 200);
        CR_EXPECT_STATUS(idtest::call(engine.port(), "GET", "/api/auth/me", nullptr,
                                      in->json().value(u"token").toString().toUtf8()),
                         200);
        CR_EXPECT_STATUS(idtest::call(engine.port(), "GET", "/.well-known/jwks.json"), 200);
    }

    void aBrokenKeychainKeepsAccountsUnavailable()
    {
        auto s = start(FakeSecretStore::Mode::Fail);
        QVERIFY(s);
        QSignalSpy failed(s->engine.get(), &cr::Engine::identityUnavailable);
        QTRY_COMPARE(failed.size(), 1);
        QVERIFY(!s->engine->isIdentityReady());
        CR_EXPECT_STATUS(idtest::call(s->engine->port(), "GET", "/health/live"), 200);
        expectUnavailable(idtest::call(s->engine->port(), "GET", "/.well-known/jwks.json"));
    }
};

QTEST_GUILESS_MAIN(TstIdentityStartup)
#include "tst_identity_startup.moc"
