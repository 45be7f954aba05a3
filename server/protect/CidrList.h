#pragma once

#include "core/Result.h"

#include <QHostAddress>
#include <QList>
#include <QPair>
#include <QStringList>

namespace cr {

// A list of address ranges ("203.0.113.0/24", "2001:db8::/32", "10.1.2.3"): trusted proxies,
// the allow-list. IPv4-mapped IPv6 addresses match their IPv4 ranges.
class CidrList
{
public:
    // VALIDATION_ERROR naming the first entry that is not an address or a range.
    static Result<CidrList> parse(const QStringList &entries);
    static Result<QPair<QHostAddress, int>> parseRange(const QString &text);

    bool contains(const QHostAddress &address) const;
    bool isEmpty() const { return m_ranges.isEmpty(); }
    QStringList toStringList() const;

private:
    QList<QPair<QHostAddress, int>> m_ranges;
};

// The address requests are counted by: the socket peer, unless the peer is a trusted proxy; then
// the right-most X-Forwarded-For entry that is not itself a trusted proxy. A spoofed header
// from an untrusted peer is ignored.
QHostAddress clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor,
                           const CidrList &trustedProxies);

} // namespace cr
