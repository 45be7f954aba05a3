#include "protect/CidrList.h"

namespace cr {

namespace {

QHostAddress normalised(const QHostAddress &a)
{
    bool isV4 = false;
    const quint32 v4 = a.toIPv4Address(&isV4);
    return isV4 ? QHostAddress(v4) : a;
}

} // namespace

Result<QPair<QHostAddress, int>> CidrList::parseRange(const QString &text)
{
    const QString t = text.trimmed();
    const Error bad =
        Error::make(ErrorCode::ValidationError,
                    QStringLiteral("'%1' is not an IP address or CIDR range").arg(t.left(64)));
    if (t.contains(u'/')) {
        QPair<QHostAddress, int> range = QHostAddress::parseSubnet(t);
        if (range.first.isNull() || range.second < 0)
            return bad;
        return QPair<QHostAddress, int>(normalised(range.first),
                                        range.first.protocol() == QAbstractSocket::IPv6Protocol &&
                                                normalised(range.first).protocol() ==
                                                    QAbstractSocket::IPv4Protocol
                                            ? qMax(0, range.second - 96)
                                            : range.second);
    }
    QHostAddress single;
    if (!single.setAddress(t))
        return bad;
    single = normalised(single);
    return QPair<QHostAddress, int>(single,
                                    single.protocol() == QAbstractSocket::IPv4Protocol ? 32 : 128);
}

Result<CidrList> CidrList::parse(const QStringList &entries)
{
    CidrList list;
    for (const QString &e : entries) {
        if (e.trimmed().isEmpty())
            continue;
        Result<QPair<QHostAddress, int>> r = parseRange(e);
        if (!r)
            return r.error();
        list.m_ranges.append(r.value());
    }
    return list;
}

bool CidrList::contains(const QHostAddress &address) const
{
    if (m_ranges.isEmpty())
        return false;
    const QHostAddress a = normalised(address);
    for (const auto &range : m_ranges) {
        if (a.isInSubnet(range))
            return true;
    }
    return false;
}

QStringList CidrList::toStringList() const
{
    QStringList out;
    for (const auto &range : m_ranges)
        out << range.first.toString() + u'/' + QString::number(range.second);
    return out;
}

QHostAddress clientAddress(const QHostAddress &peer, const QByteArray &forwardedFor,
                           const CidrList &trustedProxies)
{
    if (forwardedFor.isNull() || !trustedProxies.contains(peer))
        return peer;
    // Right to left: each hop appended the address it received from; the first one we do not
    // trust is the client as far as we can tell.
    const QList<QByteArray> hops = forwardedFor.split(',');
    for (qsizetype i = hops.size() - 1; i >= 0; --i) {
        QHostAddress hop;
        if (!hop.setAddress(QString::fromLatin1(hops.at(i).trimmed())))
            return peer; // garbage in the chain: count the proxy itself rather than guess
        hop = normalised(hop);
        if (!trustedProxies.contains(hop))
            return hop;
    }
    return peer;
}

} // namespace cr
