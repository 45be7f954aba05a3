#include "protect/LimitKey.h"

#include <QCryptographicHash>
#include <QRandomGenerator>
#include <QUuid>

namespace cr {

namespace {

// Per-process secret for the e-mail hashes, so keys cannot be precomputed to collide.
const QByteArray &emailSalt()
{
    static const QByteArray salt = [] {
        QByteArray s(16, '\0');
        QRandomGenerator::system()->fillRange(reinterpret_cast<quint32 *>(s.data()), 4);
        return s;
    }();
    return salt;
}

QByteArray emailDigest(const QString &email)
{
    QCryptographicHash h(QCryptographicHash::Blake2b_256);
    h.addData(emailSalt());
    h.addData(email.trimmed().toLower().toUtf8());
    return h.result();
}

// Writes the address (IPv4: 4 bytes; IPv6: the /64 prefix, 8 bytes) at bytes[1..]; returns the
// number of bytes written.
int putAddress(LimitKey &key, const QHostAddress &address)
{
    bool isV4 = false;
    const quint32 v4 = address.toIPv4Address(&isV4);
    if (isV4) {
        key.bytes[0] = LimitKey::Address4;
        for (int i = 0; i < 4; ++i)
            key.bytes[size_t(1 + i)] = quint8(v4 >> (24 - 8 * i));
        return 4;
    }
    key.bytes[0] = LimitKey::Address6;
    const Q_IPV6ADDR v6 = address.toIPv6Address();
    std::memcpy(key.bytes.data() + 1, v6.c, 8);
    return 8;
}

LimitKey uuidKey(LimitKey::Kind kind, const QString &id)
{
    LimitKey key;
    key.bytes[0] = kind;
    const QUuid uuid = QUuid::fromString(id);
    if (!uuid.isNull()) {
        const QByteArray raw = uuid.toRfc4122();
        std::memcpy(key.bytes.data() + 1, raw.constData(), 16);
    } else {
        // Not a UUID (tests use short ids): a digest of it, still one key per id.
        const QByteArray d = QCryptographicHash::hash(id.toUtf8(), QCryptographicHash::Blake2b_256);
        std::memcpy(key.bytes.data() + 1, d.constData(), 16);
    }
    return key;
}

} // namespace

LimitKey LimitKey::address(const QHostAddress &address)
{
    LimitKey key;
    putAddress(key, address);
    return key;
}

LimitKey LimitKey::user(const QString &userId)
{
    return uuidKey(User, userId);
}

LimitKey LimitKey::apiKey(const QString &keyId)
{
    return uuidKey(ApiKey, keyId);
}

LimitKey LimitKey::addressEmail(const QHostAddress &address, const QString &email)
{
    LimitKey key;
    const int n = putAddress(key, address);
    key.bytes[0] = quint8(key.bytes[0] == Address4 ? 0x40 : 0x20) | AddressEmail;
    const QByteArray d = emailDigest(email);
    std::memcpy(key.bytes.data() + 1 + n, d.constData(), 8);
    return key;
}

LimitKey LimitKey::email(const QString &email)
{
    LimitKey key;
    key.bytes[0] = Email;
    const QByteArray d = emailDigest(email);
    std::memcpy(key.bytes.data() + 1, d.constData(), 16);
    return key;
}

QString LimitKey::display() const
{
    const quint8 k = bytes[0] & 0x1f;
    const bool v4 = (bytes[0] & 0x40) != 0 || bytes[0] == Address4;
    auto addressText = [&]() -> QString {
        if (v4)
            return QHostAddress((quint32(bytes[1]) << 24) | (quint32(bytes[2]) << 16) |
                                (quint32(bytes[3]) << 8) | quint32(bytes[4]))
                .toString();
        Q_IPV6ADDR v6{};
        std::memcpy(v6.c, bytes.data() + 1, 8);
        return QHostAddress(v6).toString() + QStringLiteral("/64");
    };
    auto idText = [&]() -> QString {
        return QUuid::fromRfc4122(QByteArray(reinterpret_cast<const char *>(bytes.data() + 1), 16))
            .toString(QUuid::WithoutBraces);
    };
    switch (k) {
    case Address4:
    case Address6:
        return addressText();
    case User:
        return QStringLiteral("user ") + idText();
    case ApiKey:
        return QStringLiteral("api key ") + idText();
    case AddressEmail:
        return addressText() + QStringLiteral(" + one e-mail");
    case Email:
        return QStringLiteral("one e-mail, any address");
    default:
        return QStringLiteral("unknown");
    }
}

size_t LimitKey::hash() const
{
    // Three 64-bit words, multiply-xorshift mixed: a handful of cycles. The seed is random per
    // process, so an attacker cannot pick keys that share a bucket.
    static const quint64 seed = QRandomGenerator::system()->generate64() | 1;
    quint64 w[3];
    std::memcpy(w, bytes.data(), sizeof w);
    quint64 h = seed;
    for (quint64 v : w) {
        h ^= v;
        h *= 0x9E3779B97F4A7C15ULL;
        h ^= h >> 29;
    }
    return size_t(h);
}

} // namespace cr
