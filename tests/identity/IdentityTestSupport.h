#pragma once

#include "RawClient.h"
#include "TestServer.h"
#include "core/Clock.h"
#include "core/KeyWrapper.h"
#include "core/Principal.h"

#include <QByteArray>
#include <QJsonObject>
#include <QString>

#include <memory>
#include <optional>

// Helpers for the identity tests (tests/identity): a TestServer with the identity module on
// SQLite (or a PostgreSQL database), cheap password hashing, and an API client over RawClient.
namespace cr::test {
class TestDatabase;
}

// QVERIFY that a response arrived with the expected status; prints the body otherwise.
#define CR_EXPECT_STATUS(response, expected)                                                       \
    do {                                                                                           \
        const auto &r_ = (response);                                                               \
        QVERIFY2(r_.has_value(), "no response");                                                   \
        QVERIFY2(r_->status == (expected), qPrintable(QStringLiteral("status %1, expected %2: %3") \
                                                          .arg(r_->status)                         \
                                                          .arg(expected)                           \
                                                          .arg(QString::fromUtf8(r_->body))));     \
    } while (0)

namespace idtest {

// A strong password every fixture account uses (policy strength 4).
inline const QString kPassword = QStringLiteral("SecureTestPassword123!@#");

// TestServer::defaults() plus cheap Argon2 (8 MiB, normal priority: tests must not starve
// behind the other test processes) and database = `databaseUrl` (empty: SQLite in the data dir).
cr::Settings settings(const QString &databaseUrl = QString());

// The database URL of a test database (SQLite file or PostgreSQL database of the pg fixture).
QString urlOf(const cr::test::TestDatabase &database);
// A started server on that database (nullptr if it did not start), with an optional clock.
std::unique_ptr<TestServer> startServer(const cr::test::TestDatabase &database,
                                        std::shared_ptr<cr::Clock> clock = nullptr);

// A KeyWrapper for tests: not encryption, but it round-trips and refuses other associated data.
class FakeKeyWrapper final : public cr::KeyWrapper
{
public:
    QString keyId() const override { return QStringLiteral("test-wrapper"); }
    cr::Result<QByteArray> wrap(QByteArrayView plaintext,
                                QByteArrayView associatedData) const override;
    cr::Result<QByteArray> unwrap(QByteArrayView wrapped,
                                  QByteArrayView associatedData) const override;
};

// One HTTP exchange on a fresh connection.
std::optional<RawClient::Response> call(quint16 port, const QByteArray &method,
                                        const QByteArray &path, const QJsonObject *body = nullptr,
                                        const QByteArray &token = QByteArray(),
                                        const QByteArray &extraHeaders = QByteArray());
// The request bytes of the same exchange (for racing several connections).
QByteArray requestBytes(const QByteArray &method, const QByteArray &path,
                        const QJsonObject *body = nullptr, const QByteArray &token = QByteArray());

// A signed-in account.
struct Account
{
    QString id;
    QString email;
    QString password;
    cr::Role role = cr::Role::Developer;
    QByteArray token;
    QByteArray refreshToken;
    QString sessionId; // the token's sid
    bool ok() const { return !token.isEmpty(); }
};

// The sid claim of an access token (no verification: tests read their own tokens).
QString sidOf(const QByteArray &token);

class Client
{
public:
    Client(TestServer &server)
        : m_server(server)
    {}

    std::optional<RawClient::Response> call(const QByteArray &method, const QByteArray &path,
                                            const QJsonObject &body = QJsonObject(),
                                            const QByteArray &token = QByteArray(),
                                            bool withBody = true) const;

    // Registers a new account (unique e-mail) and signs in; then gives it `role` through the
    // admin service (as the system) and signs in again, so the token carries the role.
    Account makeUser(cr::Role role = cr::Role::Developer, const QString &tag = QString());
    // A new session of an existing account.
    std::optional<Account> login(const Account &account);
    // Changes an account as an administrator would, without HTTP (waits for the answer).
    bool setRole(const QString &userId, cr::Role role);

private:
    TestServer &m_server;
    int m_counter = 0;
};

} // namespace idtest
