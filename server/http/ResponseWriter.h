#pragma once

#include "core/Error.h"
#include "http/Envelope.h"
#include "http/HttpResponse.h"

#include <QJsonObject>

namespace cr {

class Clock;
struct Settings;

// What the connection knows about the exchange when the response goes out.
struct WriteInfo
{
    QByteArray requestId;
    QByteArray corsOrigin;
    const HeaderList *extraHeaders = nullptr;
    bool headRequest = false;
    bool close = false;
    bool http10KeepAlive = false;
};

// Turns results into responses and responses into bytes. The security headers every response
// carries are rendered once here; error codes become statuses only through ErrorMapping.
class ResponseWriter
{
public:
    ResponseWriter(const Settings &settings, const Clock &clock);

    HttpResponse success(const QJsonObject &data, int status = 200) const;
    // From Envelope::successTemplate: the timestamp filled in.
    HttpResponse successRendered(const JsonTemplate &body, int status = 200) const;
    HttpResponse error(const Error &error, const QByteArray &requestId) const;
    QByteArray serialize(const HttpResponse &response, const WriteInfo &info) const;

    const QByteArray &timestamp() const;
    const Clock &clock() const { return m_clock; }
    const Envelope &envelope() const { return m_envelope; }
    const QByteArray &securityHeaders() const { return m_securityBlock; }

private:
    const Clock &m_clock;
    Envelope m_envelope;
    QByteArray m_securityBlock;
};

} // namespace cr
