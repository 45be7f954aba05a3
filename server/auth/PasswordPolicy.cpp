#include "auth/PasswordPolicy.h"

#include "auth/CommonPasswords.h"

#include <QJsonArray>

#include <cmath>
#include <string_view>

namespace cr {
namespace {

QString lowerOf(const QList<uint> &codePoints, qsizetype from, qsizetype to)
{
    QList<uint> out;
    out.reserve(to - from);
    for (qsizetype i = from; i < to; ++i)
        out << QChar::toLower(char32_t(codePoints[i]));
    return QString::fromUcs4(reinterpret_cast<const char32_t *>(out.constData()), out.size());
}

bool isLetter(uint cp)
{
    return QChar::isLetter(char32_t(cp));
}

} // namespace

QJsonObject PasswordPolicy::Check::toJson() const
{
    return QJsonObject{{QStringLiteral("isValid"), isValid},
                       {QStringLiteral("errors"), QJsonArray::fromStringList(errors)},
                       {QStringLiteral("strength"), strength}};
}

PasswordPolicy::PasswordPolicy(int minLength)
    : PasswordPolicy(minLength, CommonPasswords::instance())
{}

PasswordPolicy::PasswordPolicy(int minLength, const CommonPasswords &list)
    : m_minLength(qBound(8, minLength, 64))
    , m_list(list)
{}

PasswordPolicy::Check PasswordPolicy::check(const QString &password, const QString &email) const
{
    Check out;
    const QString normalized = password.normalized(QString::NormalizationForm_KC);
    const QList<uint> cps = normalized.toUcs4();
    const qsizetype n = cps.size();
    bool listed = false;

    if (n < m_minLength)
        out.errors
            << QStringLiteral("Password must be at least %1 characters long").arg(m_minLength);
    if (n > kMaxLength)
        out.errors << QStringLiteral("Password must be at most %1 characters long").arg(kMaxLength);

    if (n > 0 && n <= kMaxLength) {
        if (m_list.rank(lowerOf(cps, 0, n)) > 0) {
            listed = true;
            out.errors << QStringLiteral("Password is too common: it appears in lists of "
                                         "breached passwords");
        } else {
            // A top-1000 password followed only by digits and symbols: try every split point
            // inside the trailing run of non-letters.
            qsizetype runStart = n;
            while (runStart > 0 && !isLetter(cps[runStart - 1]))
                --runStart;
            for (qsizetype split = qMax<qsizetype>(runStart, 1); split < n; ++split) {
                const int rank = m_list.rank(lowerOf(cps, 0, split));
                if (rank > 0 && rank <= kTopCommon) {
                    listed = true;
                    out.errors << QStringLiteral("Password is a common password followed only "
                                                 "by digits or symbols");
                    break;
                }
            }
        }
    }

    const qsizetype at = email.lastIndexOf(u'@');
    const QString local =
        (at >= 0 ? email.left(at) : email).normalized(QString::NormalizationForm_KC).toCaseFolded();
    if (local.toUcs4().size() >= kMinEmailPartLength && normalized.toCaseFolded().contains(local))
        out.errors << QStringLiteral("Password must not contain the name of your email address");

    out.isValid = out.errors.isEmpty();
    out.strength = listed ? 0 : scoreOf(n <= kMaxLength ? estimateBits(cps) : 0);
    if (!out.isValid)
        out.strength = qMin(out.strength, 1);
    return out;
}

int PasswordPolicy::estimateBits(const QList<uint> &cps) const
{
    const qsizetype n = cps.size();
    if (n == 0)
        return 0;
    int pool = 0;
    bool lower = false, upper = false, digit = false, symbol = false, other = false;
    for (uint cp : cps) {
        if (cp >= 'a' && cp <= 'z')
            lower = true;
        else if (cp >= 'A' && cp <= 'Z')
            upper = true;
        else if (cp >= '0' && cp <= '9')
            digit = true;
        else if (cp >= 0x20 && cp < 0x7f)
            symbol = true;
        else
            other = true;
    }
    pool = (lower ? 26 : 0) + (upper ? 26 : 0) + (digit ? 10 : 0) + (symbol ? 33 : 0) +
           (other ? 100 : 0);
    const double charBits = std::log2(double(qMax(pool, 2)));

    // UTF-8 of the lower-cased password with the byte offset of every code point, so any run of
    // code points is a string_view for the list lookup.
    const QByteArray utf8 = lowerOf(cps, 0, n).toUtf8();
    QList<qsizetype> offsets;
    offsets.reserve(n + 1);
    {
        qsizetype pos = 0;
        for (qsizetype i = 0; i < n; ++i) {
            offsets << pos;
            const auto lead = static_cast<unsigned char>(utf8[pos]);
            pos += lead < 0x80 ? 1 : lead < 0xe0 ? 2 : lead < 0xf0 ? 3 : 4;
        }
        offsets << pos;
    }

    constexpr int kMinWord = 4;
    double bits = 0;
    qsizetype i = 0;
    while (i < n) {
        int wordRank = 0;
        qsizetype wordEnd = i;
        for (qsizetype j = n; j >= i + kMinWord; --j) {
            const qsizetype bytes = offsets[j] - offsets[i];
            if (bytes > m_list.longestEntryBytes())
                continue;
            const int rank =
                m_list.rank(std::string_view(utf8.constData() + offsets[i], size_t(bytes)));
            if (rank > 0) {
                wordRank = rank;
                wordEnd = j;
                break;
            }
        }
        if (wordRank > 0) {
            bits += std::log2(double(wordRank)) + 1.0;
            i = wordEnd;
            continue;
        }
        if (i > 0 && cps[i] == cps[i - 1])
            bits += 1.0;
        else if (i > 0 && (cps[i] == cps[i - 1] + 1 || cps[i] + 1 == cps[i - 1]))
            bits += 2.0;
        else
            bits += charBits;
        ++i;
    }
    return int(bits);
}

int PasswordPolicy::scoreOf(int bits)
{
    if (bits < 28)
        return 0;
    if (bits < 36)
        return 1;
    if (bits < 50)
        return 2;
    if (bits < 64)
        return 3;
    return 4;
}

} // namespace cr
