#include "auth/Base64Url.h"

#include <array>

namespace cr {
namespace {

constexpr char kAlphabet[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

// 0..63 for alphabet bytes, -1 for everything else.
constexpr std::array<qint8, 256> makeTable()
{
    std::array<qint8, 256> table{};
    for (auto &v : table)
        v = -1;
    for (int i = 0; i < 64; ++i)
        table[static_cast<unsigned char>(kAlphabet[i])] = static_cast<qint8>(i);
    return table;
}

constexpr std::array<qint8, 256> kTable = makeTable();

int valueOf(char c)
{
    return kTable[static_cast<unsigned char>(c)];
}

} // namespace

QByteArray Base64Url::encode(QByteArrayView bytes)
{
    QByteArray out;
    out.reserve((bytes.size() * 4 + 2) / 3);
    const auto *p = reinterpret_cast<const unsigned char *>(bytes.data());
    const qsizetype n = bytes.size();
    qsizetype i = 0;
    for (; i + 3 <= n; i += 3) {
        const quint32 v = (quint32(p[i]) << 16) | (quint32(p[i + 1]) << 8) | quint32(p[i + 2]);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
        out += kAlphabet[v & 63];
    }
    if (n - i == 1) {
        const quint32 v = quint32(p[i]) << 16;
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
    } else if (n - i == 2) {
        const quint32 v = (quint32(p[i]) << 16) | (quint32(p[i + 1]) << 8);
        out += kAlphabet[(v >> 18) & 63];
        out += kAlphabet[(v >> 12) & 63];
        out += kAlphabet[(v >> 6) & 63];
    }
    return out;
}

bool Base64Url::isCanonical(QByteArrayView text)
{
    const qsizetype n = text.size();
    const qsizetype rest = n % 4;
    if (rest == 1)
        return false;
    for (qsizetype i = 0; i < n; ++i) {
        if (valueOf(text[i]) < 0)
            return false;
    }
    // The last character carries 4 (rest 2) or 2 (rest 3) bits beyond the final byte: zero.
    if (rest == 2)
        return (valueOf(text[n - 1]) & 0x0f) == 0;
    if (rest == 3)
        return (valueOf(text[n - 1]) & 0x03) == 0;
    return true;
}

std::optional<QByteArray> Base64Url::decode(QByteArrayView text)
{
    if (!isCanonical(text))
        return std::nullopt;
    const qsizetype n = text.size();
    QByteArray out;
    out.reserve(n * 3 / 4);
    qsizetype i = 0;
    for (; i + 4 <= n; i += 4) {
        const quint32 v = (quint32(valueOf(text[i])) << 18) |
                          (quint32(valueOf(text[i + 1])) << 12) |
                          (quint32(valueOf(text[i + 2])) << 6) | quint32(valueOf(text[i + 3]));
        out += char((v >> 16) & 0xff);
        out += char((v >> 8) & 0xff);
        out += char(v & 0xff);
    }
    if (n - i == 2) {
        const quint32 v = (quint32(valueOf(text[i])) << 18) | (quint32(valueOf(text[i + 1])) << 12);
        out += char((v >> 16) & 0xff);
    } else if (n - i == 3) {
        const quint32 v = (quint32(valueOf(text[i])) << 18) |
                          (quint32(valueOf(text[i + 1])) << 12) |
                          (quint32(valueOf(text[i + 2])) << 6);
        out += char((v >> 16) & 0xff);
        out += char((v >> 8) & 0xff);
    }
    return out;
}

} // namespace cr
