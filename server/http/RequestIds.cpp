#include "http/RequestIds.h"

#include <QRandomGenerator>
#include <QStringBuilder>

#include <cstring>

namespace cr {
namespace {

struct Generator
{
    QByteArray prefix;
    quint64 counter = 0;
    Generator()
    {
        const quint64 r = QRandomGenerator::system()->generate64();
        prefix = QByteArray::number(r, 16).rightJustified(16, '0') + '-';
    }
};

thread_local Generator t_generator;

} // namespace

bool RequestIds::isAcceptable(const QByteArray &candidate)
{
    if (candidate.isEmpty() || candidate.size() > 64)
        return false;
    for (const char c : candidate) {
        const bool ok = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
                        (c >= '0' && c <= '9') || c == '.' || c == '_' || c == '-';
        if (!ok)
            return false;
    }
    return true;
}

QByteArray RequestIds::next()
{
    // One allocation: the prefix and the counter in hex, formatted in place.
    Generator &g = t_generator;
    char digits[16];
    int n = 0;
    for (quint64 v = ++g.counter; v != 0 || n == 0; v >>= 4)
        digits[n++] = "0123456789abcdef"[v & 0xf];
    QByteArray id(g.prefix.size() + n, Qt::Uninitialized);
    char *out = id.data();
    std::memcpy(out, g.prefix.constData(), size_t(g.prefix.size()));
    for (int i = 0; i < n; ++i)
        out[g.prefix.size() + i] = digits[n - 1 - i];
    return id;
}

} // namespace cr
