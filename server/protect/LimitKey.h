#pragma once

#include <QByteArray>
#include <QHostAddress>
#include <QString>

#include <array>
#include <cstring>
#include <functional>

namespace cr {

// What a policy counts by, as a fixed 24-byte value (no allocation per key, so the limiter's
// memory per entry is known exactly): a kind byte and up to 23 bytes of key material.
//  - an address: IPv4 whole, IPv6 by its /64 prefix (one subscriber usually owns a /64)
//  - a user or API key id: its 16 UUID bytes
//  - (address, e-mail): the address prefix plus a 64-bit keyed hash of the e-mail
//  - an e-mail: a 128-bit keyed hash of it
struct LimitKey
{
    enum Kind : quint8
    {
        None = 0,
        Address4,
        Address6,
        User,
        ApiKey,
        AddressEmail,
        Email,
    };
    std::array<quint8, 24> bytes{};

    Kind kind() const { return Kind(bytes[0] & 0x1f); }
    bool operator==(const LimitKey &o) const { return bytes == o.bytes; }
    bool operator!=(const LimitKey &o) const { return bytes != o.bytes; }

    static LimitKey address(const QHostAddress &address);
    static LimitKey user(const QString &userId);
    static LimitKey apiKey(const QString &keyId);
    static LimitKey addressEmail(const QHostAddress &address, const QString &email);
    static LimitKey email(const QString &email);

    // For operators: "203.0.113.7", "2001:db8:1:2::/64", "user 3f2c…", "203.0.113.7 + e-mail".
    // E-mails are never shown: only a hash of them is kept.
    QString display() const;
    size_t hash() const;
};

struct LimitKeyHash
{
    size_t operator()(const LimitKey &k) const { return k.hash(); }
};

} // namespace cr
