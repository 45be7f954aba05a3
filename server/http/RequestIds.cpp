#include "http/RequestIds.h"

#include <QRandomGenerator>
#include <QStringBuilder>

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
    Generator &g = t_generator;
    return g.prefix + QByteArray::number(++g.counter, 16);
}

} // namespace cr
