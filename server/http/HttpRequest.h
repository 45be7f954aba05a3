#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QList>
#include <QPair>

namespace cr {

enum class Method
{
    Get,
    Head,
    Post,
    Put,
    Patch,
    Delete,
    Options,
    Other
};

const char *methodName(Method method);

using HeaderList = QList<QPair<QByteArray, QByteArray>>;

// One parsed HTTP/1.1 request. Header names are stored lower-case.
struct HttpRequest
{
    Method method = Method::Other;
    QByteArray methodText;
    QByteArray target; // as sent: path and query
    QByteArray path;   // the target up to '?', not decoded
    QByteArray query;  // after '?', not decoded
    int versionMajor = 1;
    int versionMinor = 1;
    HeaderList headers;
    QByteArray body;
    bool keepAlive = true;
    bool upgrade = false;

    QHostAddress peer;
    quint16 peerPort = 0;
    bool secure = false;

    // Empties the request for the next message, keeping allocated capacity where it can.
    void clear();

    // The first value of a header (name in lower case), or a null array.
    QByteArray header(const char *lowerName) const;
    int headerCount(const char *lowerName) const;
    // A query parameter, percent-decoded.
    QString queryValue(const QString &name) const;
};

} // namespace cr
