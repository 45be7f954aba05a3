#include "IdentityTestSupport.h"

#include "StoreTestSupport.h"
#include "identity/AdminService.h"
#include "identity/Caller.h"
#include "identity/Identity.h"
#include "identity/User.h"

#include <QCoreApplication>
#include <QCryptographicHash>
#include <QDeadlineTimer>
#include <QJsonDocument>
#include <QThread>
#include <QUrl>
#include <QUuid>

#include <atomic>

namespace idtest {

cr::Settings settings(const QString &databaseUrl)
{
    cr::Settings s = TestServer::defaults();
    s.passwordHashMemoryMib = 8;
    s.passwordHashIdlePriority = false;
    s.database = databaseUrl;
    return s;
}

QString urlOf(const cr::test::TestDatabase &database)
{
    const cr::DatabaseConfig &c = database.config();
    if (c.backend() == cr::Backend::Sqlite)
        return QStringLiteral("sqlite:") + c.path();
    QUrl url(cr::test::PgTestServer::url());
    url.setPath(QLatin1Char('/') + c.databaseName());
    return url.toString();
}

namespace {
QByteArray tagOf(QByteArrayView associatedData)
{
    return QCryptographicHash::hash(associatedData, QCryptographicHash::Sha256).left(8);
}
} // namespace

cr::Result<QByteArray> FakeKeyWrapper::wrap(QByteArrayView plaintext,
                                            QByteArrayView associatedData) const
{
    QByteArray out = tagOf(associatedData);
    for (char c : plaintext)
        out.append(char(c ^ 0x5a));
    return out;
}

cr::Result<QByteArray> FakeKeyWrapper::unwrap(QByteArrayView wrapped,
                                              QByteArrayView associatedData) const
{
    if (!wrapped.startsWith(tagOf(associatedData)))
        return cr::Error::make(cr::ErrorCode::Internal, QStringLiteral("wrong associated data"));
    QByteArray out;
    for (char c : wrapped.sliced(8))
        out.append(char(c ^ 0x5a));
    return out;
}

QByteArray requestBytes(const QByteArray &method, const QByteArray &path, const QJsonObject *body,
                        const QByteArray &token)
{
    QByteArray out = method + ' ' + path + " HTTP/1.1\r\nHost: localhost\r\n";
    out += "User-Agent: identity-test\r\n";
    if (!token.isEmpty())
        out += "Authorization: Bearer " + token + "\r\n";
    if (body) {
        const QByteArray json = QJsonDocument(*body).toJson(QJsonDocument::Compact);
        out +=
            "Content-Type: application/json\r\nContent-Length: " + QByteArray::number(json.size()) +
            "\r\n\r\n" + json;
    } else {
        out += "\r\n";
    }
    return out;
}

std::optional<RawClient::Response> call(quint16 port, const QByteArray &method,
                                        const QByteArray &path, const QJsonObject *body,
                                        const QByteArray &token, const QByteArray &extraHeaders)
{
    RawClient c(port);
    QByteArray bytes = requestBytes(method, path, body, token);
    if (!extraHeaders.isEmpty())
        bytes.insert(bytes.indexOf("\r\n") + 2, extraHeaders);
    c.send(bytes);
    return c.read(15000);
}

QString sidOf(const QByteArray &token)
{
    const QList<QByteArray> parts = token.split('.');
    if (parts.size() != 3)
        return {};
    const QByteArray payload = QByteArray::fromBase64(parts[1], QByteArray::Base64UrlEncoding |
                                                                    QByteArray::OmitTrailingEquals);
    return QJsonDocument::fromJson(payload).object().value(u"sid").toString();
}

std::optional<RawClient::Response> Client::call(const QByteArray &method, const QByteArray &path,
                                                const QJsonObject &body, const QByteArray &token,
                                                bool withBody) const
{
    return idtest::call(m_server.port(), method, path, withBody ? &body : nullptr, token);
}

namespace {

Account fromAuth(const QJsonObject &o, const QString &password)
{
    Account a;
    const QJsonObject user = o.value(u"user").toObject();
    a.id = user.value(u"id").toString();
    a.email = user.value(u"email").toString();
    a.role = cr::User::roleFromName(user.value(u"role").toString()).value_or(cr::Role::Anonymous);
    a.password = password;
    a.token = o.value(u"token").toString().toLatin1();
    a.refreshToken = o.value(u"refreshToken").toString().toLatin1();
    a.sessionId = sidOf(a.token);
    return a;
}

} // namespace

std::optional<Account> Client::login(const Account &account)
{
    const auto r = call("POST", "/api/auth/login",
                        QJsonObject{{QStringLiteral("email"), account.email},
                                    {QStringLiteral("password"), account.password}});
    if (!r || r->status != 200) {
        qWarning("login failed: %d %s", r ? r->status : 0, r ? r->body.constData() : "");
        return std::nullopt;
    }
    return fromAuth(r->json(), account.password);
}

bool Client::setRole(const QString &userId, cr::Role role)
{
    std::atomic<int> state{0}; // 0 waiting, 1 ok, 2 failed
    cr::AdminService::UserChange change;
    change.role = role;
    m_server.engine().identity()->admin().updateUser(
        cr::Caller(), userId, change, [&state](cr::Result<cr::User> u) { state.store(u ? 1 : 2); });
    QDeadlineTimer deadline(10000);
    while (state.load() == 0 && !deadline.hasExpired()) {
        QCoreApplication::processEvents();
        QThread::msleep(2);
    }
    return state.load() == 1;
}

Account Client::makeUser(cr::Role role, const QString &tag)
{
    const QString email = QStringLiteral("%1-%2-%3@example.com")
                              .arg(tag.isEmpty() ? QStringLiteral("user") : tag)
                              .arg(++m_counter)
                              .arg(QUuid::createUuid().toString(QUuid::Id128).left(8));
    const auto r = call("POST", "/api/auth/register",
                        QJsonObject{{QStringLiteral("email"), email},
                                    {QStringLiteral("password"), kPassword},
                                    {QStringLiteral("name"), QStringLiteral("Test User")}});
    if (!r || r->status != 201) {
        qWarning("register failed: %d %s", r ? r->status : 0, r ? r->body.constData() : "");
        return {};
    }
    Account a = fromAuth(r->json(), kPassword);
    if (role == cr::Role::Developer)
        return a;
    if (!setRole(a.id, role))
        return {};
    return login(a).value_or(Account());
}

std::unique_ptr<TestServer> startServer(const cr::test::TestDatabase &database,
                                        std::shared_ptr<cr::Clock> clock)
{
    auto server = std::make_unique<TestServer>(settings(urlOf(database)), std::move(clock));
    if (!server->start())
        return nullptr;
    return server;
}

} // namespace idtest
