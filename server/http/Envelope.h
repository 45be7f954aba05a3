#pragma once

#include "core/Error.h"

#include <QByteArray>
#include <QJsonObject>

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
    QByteArray error(const Error &error, const QByteArray &requestId,
                     const QByteArray &timestamp) const;
    bool topLevelCopy() const { return m_topLevelCopy; }

private:
    bool m_topLevelCopy;
};

} // namespace cr
