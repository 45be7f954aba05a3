#pragma once

#include <QByteArray>
#include <QByteArrayView>

#include <optional>

namespace cr {

// Base64url (RFC 4648 §5) as JWTs use it: no padding, alphabet [A-Za-z0-9_-] only.
// decode() is strict: any other byte (including '=', '+', '/', whitespace), a length that leaves
// a lone character (length % 4 == 1), or non-canonical trailing bits (the unused low bits of the
// last character not zero, so two texts would decode to the same bytes) is refused.
class Base64Url
{
public:
    static QByteArray encode(QByteArrayView bytes);
    static std::optional<QByteArray> decode(QByteArrayView text);
    // The same check without producing the bytes.
    static bool isCanonical(QByteArrayView text);
};

} // namespace cr
