#include "http/HttpRequest.h"

#include <QUrlQuery>

#include <cstring>

namespace cr {

const char *methodName(Method method)
{
    switch (method) {
    case Method::Get:
        return "GET";
    case Method::Head:
        return "HEAD";
    case Method::Post:
        return "POST";
    case Method::Put:
        return "PUT";
    case Method::Patch:
        return "PATCH";
    case Method::Delete:
        return "DELETE";
    case Method::Options:
        return "OPTIONS";
    case Method::Other:
        break;
    }
    return "OTHER";
}

void HttpRequest::clear()
{
    method = Method::Other;
    methodText.clear();
    target.truncate(0);
    path.clear();
    query.clear();
    versionMajor = 1;
    versionMinor = 1;
    headers.clear(); // keeps its capacity (Qt 6)
    body.truncate(0);
    keepAlive = true;
    upgrade = false;
    peer.clear();
    peerPort = 0;
    secure = false;
}

QByteArray HttpRequest::header(const char *lowerName) const
{
    const qsizetype n = qsizetype(std::strlen(lowerName));
    for (const auto &h : headers) {
        if (h.first.size() == n && std::memcmp(h.first.constData(), lowerName, size_t(n)) == 0)
            return h.second;
    }
    return {};
}

int HttpRequest::headerCount(const char *lowerName) const
{
    const qsizetype n = qsizetype(std::strlen(lowerName));
    int count = 0;
    for (const auto &h : headers) {
        if (h.first.size() == n && std::memcmp(h.first.constData(), lowerName, size_t(n)) == 0)
            ++count;
    }
    return count;
}

QString HttpRequest::queryValue(const QString &name) const
{
    const QUrlQuery q(QString::fromUtf8(query));
    return q.queryItemValue(name, QUrl::FullyDecoded);
}

} // namespace cr
