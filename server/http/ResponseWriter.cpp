#include "http/ResponseWriter.h"

#include "core/Clock.h"
#include "core/Settings.h"
#include "http/ErrorMapping.h"
#include "http/TimeText.h"

namespace cr {

ResponseWriter::ResponseWriter(const Settings &settings, const Clock &clock)
    : m_clock(clock)
    , m_envelope(settings.envelopeTopLevelCopy)
{
    // HSTS is sent over plain HTTP too: browsers ignore it there, and it is already in place
    // the moment a TLS terminator is put in front (docs/SECURITY.md).
    m_securityBlock =
        QByteArrayLiteral("Content-Security-Policy: default-src 'none'; frame-ancestors 'none'\r\n"
                          "X-Frame-Options: DENY\r\n"
                          "X-Content-Type-Options: nosniff\r\n"
                          "X-XSS-Protection: 0\r\n"
                          "Referrer-Policy: no-referrer\r\n"
                          "Cross-Origin-Resource-Policy: same-origin\r\n"
                          "Cache-Control: no-store\r\n"
                          "Vary: Origin\r\n"
                          "Strict-Transport-Security: max-age=") +
        QByteArray::number(settings.hstsMaxAgeSeconds) +
        QByteArrayLiteral("; includeSubDomains\r\n");
}

const QByteArray &ResponseWriter::timestamp() const
{
    return TimeText::iso(m_clock.wallMs());
}

HttpResponse ResponseWriter::success(const QJsonObject &data, int status) const
{
    HttpResponse r;
    r.status = status;
    r.body = m_envelope.success(data, timestamp());
    return r;
}

HttpResponse ResponseWriter::successRendered(const JsonTemplate &body, int status) const
{
    thread_local std::vector<QByteArray> t_values(1);
    t_values[0] = '"' + timestamp() + '"';
    HttpResponse r;
    r.status = status;
    r.body = body.render(t_values);
    return r;
}

HttpResponse ResponseWriter::error(const Error &error, const QByteArray &requestId) const
{
    HttpResponse r;
    r.status = httpStatusFor(error.code);
    r.body = m_envelope.error(error, requestId, timestamp());
    if (error.retryAfterSeconds > 0)
        r.addHeader("Retry-After", QByteArray::number(error.retryAfterSeconds));
    return r;
}

QByteArray ResponseWriter::serialize(const HttpResponse &response, const WriteInfo &info) const
{
    const bool noBody = response.status == 204 || response.status == 304 ||
                        (response.status >= 100 && response.status < 200);
    QByteArray out;
    out.reserve(512 + response.body.size());
    out += "HTTP/1.1 ";
    out += QByteArray::number(response.status);
    out += ' ';
    out += reasonPhrase(response.status);
    out += "\r\nDate: ";
    out += TimeText::httpDate(m_clock.wallMs());
    out += "\r\n";
    out += m_securityBlock;
    if (!info.requestId.isEmpty()) {
        out += "X-Request-Id: ";
        out += info.requestId;
        out += "\r\n";
    }
    if (!info.corsOrigin.isEmpty()) {
        out += "Access-Control-Allow-Origin: ";
        out += info.corsOrigin;
        out += "\r\nAccess-Control-Expose-Headers: RateLimit, RateLimit-Policy, Retry-After, "
               "X-Request-Id\r\n";
    }
    if (!noBody && !response.contentType.isEmpty()) {
        out += "Content-Type: ";
        out += response.contentType;
        out += "\r\n";
    }
    auto addHeaders = [&out](const HeaderList &headers) {
        for (const auto &h : headers) {
            out += h.first;
            out += ": ";
            out += h.second;
            out += "\r\n";
        }
    };
    addHeaders(response.headers);
    if (info.extraHeaders)
        addHeaders(*info.extraHeaders);
    if (!noBody) {
        out += "Content-Length: ";
        out += QByteArray::number(response.body.size());
        out += "\r\n";
    }
    if (info.close || response.close)
        out += "Connection: close\r\n";
    else if (info.http10KeepAlive)
        out += "Connection: keep-alive\r\n";
    out += "\r\n";
    if (!noBody && !info.headRequest)
        out += response.body;
    return out;
}

} // namespace cr
