#include "http/Envelope.h"

#include <QJsonArray>
#include <QJsonDocument>

namespace cr {

QJsonObject Envelope::successObject(const QJsonObject &data, const QByteArray &timestamp) const
{
    QJsonObject out;
    if (m_topLevelCopy) {
        for (auto it = data.begin(); it != data.end(); ++it)
            out.insert(it.key(), it.value());
    }
    out.insert(QStringLiteral("success"), true);
    out.insert(QStringLiteral("data"), data);
    out.insert(QStringLiteral("timestamp"), QString::fromLatin1(timestamp));
    return out;
}

QByteArray Envelope::success(const QJsonObject &data, const QByteArray &timestamp) const
{
    return QJsonDocument(successObject(data, timestamp)).toJson(QJsonDocument::Compact);
}

std::optional<JsonTemplate> Envelope::successTemplate(const QJsonObject &data) const
{
    JsonTemplate t(successObject(data, JsonTemplate::slot("ts").toLatin1()));
    if (t.slotCount() != 1 || t.indexOf("ts") != 0)
        return std::nullopt;
    return t;
}

QByteArray Envelope::error(const Error &error, const QByteArray &requestId,
                           const QByteArray &timestamp) const
{
    const QString code = QString::fromLatin1(errorCodeName(error.code));
    QJsonObject inner{{QStringLiteral("code"), code}, {QStringLiteral("message"), error.message}};
    QJsonObject out{{QStringLiteral("success"), false},
                    {QStringLiteral("code"), code},
                    {QStringLiteral("message"), error.message},
                    {QStringLiteral("requestId"), QString::fromLatin1(requestId)},
                    {QStringLiteral("timestamp"), QString::fromLatin1(timestamp)}};
    if (!error.fields.isEmpty()) {
        QJsonArray fields;
        for (const FieldError &f : error.fields)
            fields.append(QJsonObject{{QStringLiteral("field"), f.field},
                                      {QStringLiteral("message"), f.message}});
        inner.insert(QStringLiteral("fields"), fields);
        out.insert(QStringLiteral("fields"), fields);
    }
    if (!error.policy.isEmpty()) {
        inner.insert(QStringLiteral("policy"), error.policy);
        out.insert(QStringLiteral("policy"), error.policy);
    }
    if (error.retryAfterSeconds > 0) {
        inner.insert(QStringLiteral("retryAfterSeconds"), error.retryAfterSeconds);
        out.insert(QStringLiteral("retryAfterSeconds"), error.retryAfterSeconds);
    }
    out.insert(QStringLiteral("error"), inner);
    return QJsonDocument(out).toJson(QJsonDocument::Compact);
}

} // namespace cr
