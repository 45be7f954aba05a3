#include "FakeAuthenticator.h"

using namespace cr;

Result<Principal> FakeAuthenticator::authenticate(const QByteArray &credential) const
{
    Principal p;
    if (credential == "op") {
        p.role = Role::Operator;
        p.userId = QStringLiteral("u-op");
    } else if (credential == "dev") {
        p.role = Role::Developer;
        p.userId = QStringLiteral("u-dev");
    } else if (credential == "dev2") {
        p.role = Role::Developer;
        p.userId = QStringLiteral("u-dev2");
    } else if (credential == "viewer") {
        p.role = Role::Viewer;
        p.userId = QStringLiteral("u-viewer");
    } else if (credential == "op-demoted") {
        p.role = Role::Developer;
        p.userId = QStringLiteral("u-op");
    } else if (credential == "short" && m_clock) {
        p.role = Role::Developer;
        p.userId = QStringLiteral("u-short");
        p.expiresAtMs = m_clock->wallMs() + 60000;
    } else if (credential == "expired") {
        return Error::make(ErrorCode::TokenExpired, QStringLiteral("Token expired"));
    } else {
        return Error::make(ErrorCode::Unauthorized, QStringLiteral("Invalid credentials"));
    }
    return p;
}
