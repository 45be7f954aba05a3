#pragma once

#include "core/Error.h"
#include "http/JsonTemplate.h"

#include <QByteArray>
#include <QJsonObject>

#include <optional>

namespace cr {

// The response envelope of CONTRACT §1, in one place.
//   success: {"success":true,"data":{...},"timestamp":"..."} plus data's keys at top level
//            (v2 compatibility; never overwriting success/data/timestamp; switchable)
//   error:   {"success":false,"error":{"code","message"[,"fields"]},"code","message",
//             "requestId","timestamp"}
class Envelope
{
public:
    explicit Envelope(bool topLevelCopy = true)
        : m_topLevelCopy(topLevelCopy)
    {}

    QJsonObject successObject(const QJsonObject &data, const QByteArray &timestamp) const;
    QByteArray success(const QJsonObject &data, const QByteArray &timestamp) const;
    // The success envelope of `data` rendered once, with the timestamp as the one slot `ts`
    // (ResponseWriter fills it): for answers sent many times unchanged. None when `data`'s
    // own text contains a slot marker.
    std::optional<JsonTemplate> successTemplate(const QJsonObject &data) const;
    QByteArray error(const Error &error, const QByteArray &requestId,
                     const QByteArray &timestamp) const;
    bool topLevelCopy() const { return m_topLevelCopy; }

private:
    bool m_topLevelCopy;
};

} // namespace cr
