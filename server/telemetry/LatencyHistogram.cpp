#include "telemetry/LatencyHistogram.h"

#include <cmath>

namespace cr {

int LatencyHistogram::bucketOf(qint64 ns)
{
    if (ns < 2 * kSub)
        return ns < 0 ? 0 : int(ns);
    const int exponent = 63 - __builtin_clzll(quint64(ns)); // floor(log2(ns)) >= 7
    if (exponent > kMaxExponent)
        return kBuckets - 1;
    const int shift = exponent - kSubBits;
    return shift * kSub + int(ns >> shift); // ns >> shift is in [64, 128)
}

qint64 LatencyHistogram::lowerBound(int bucket)
{
    if (bucket < 2 * kSub)
        return bucket;
    const int shift = bucket / kSub - 1;
    const qint64 mantissa = bucket - shift * kSub; // [64, 128)
    return mantissa << shift;
}

qint64 LatencyHistogram::upperBound(int bucket)
{
    if (bucket < 2 * kSub)
        return bucket + 1;
    const int shift = bucket / kSub - 1;
    return lowerBound(bucket) + (qint64(1) << shift);
}

double LatencyHistogram::representative(int bucket)
{
    if (bucket < 2 * kSub)
        return double(bucket);
    return (double(lowerBound(bucket)) + double(upperBound(bucket) - 1)) / 2.0;
}

LatencyHistogram::LatencyHistogram()
    : m_counts(size_t(kBuckets), 0)
{}

void LatencyHistogram::add(qint64 ns, quint64 count)
{
    addBucket(bucketOf(ns), count);
}

void LatencyHistogram::addSparse(const Sparse &sparse)
{
    for (const auto &[bucket, count] : sparse)
        addBucket(bucket, count);
}

void LatencyHistogram::merge(const LatencyHistogram &other)
{
    for (int i = 0; i < kBuckets; ++i)
        m_counts[size_t(i)] += other.m_counts[size_t(i)];
    m_total += other.m_total;
}

void LatencyHistogram::clear()
{
    std::fill(m_counts.begin(), m_counts.end(), 0);
    m_total = 0;
}

double LatencyHistogram::percentileNs(double q) const
{
    if (m_total == 0)
        return 0;
    const double clamped = q <= 0 ? 0 : (q > 1 ? 1 : q);
    quint64 rank = quint64(std::ceil(clamped * double(m_total)));
    if (rank < 1)
        rank = 1;
    quint64 seen = 0;
    for (int i = 0; i < kBuckets; ++i) {
        seen += m_counts[size_t(i)];
        if (seen >= rank)
            return representative(i);
    }
    return representative(kBuckets - 1);
}

double LatencyHistogram::percentileNs(const Sparse &sparse, double q)
{
    quint64 total = 0;
    for (const auto &entry : sparse)
        total += entry.second;
    if (total == 0)
        return 0;
    const double clamped = q <= 0 ? 0 : (q > 1 ? 1 : q);
    const quint64 rank = qMax<quint64>(1, quint64(std::ceil(clamped * double(total))));
    quint64 seen = 0;
    for (const auto &[bucket, count] : sparse) {
        seen += count;
        if (seen >= rank)
            return representative(bucket);
    }
    return representative(sparse.back().first);
}

LatencyHistogram::Sparse LatencyHistogram::toSparse() const
{
    Sparse out;
    for (int i = 0; i < kBuckets; ++i) {
        if (m_counts[size_t(i)] != 0)
            out.emplace_back(quint16(i), quint32(qMin<quint64>(m_counts[size_t(i)], 0xffffffffu)));
    }
    return out;
}

} // namespace cr
