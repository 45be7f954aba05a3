#pragma once

#include <QtGlobal>

#include <utility>
#include <vector>

namespace cr {

// Log-linear latency buckets (HdrHistogram's layout) over nanoseconds: values below 128 ns
// have a bucket each; above, every power of two is split into 64 equal buckets, so a bucket is
// at most 1/64 of its lower bound wide and its midpoint is within 0.79 % of any value in it.
// Values up to 2^37 ns (about 137 s) are told apart; longer ones share the last bucket.
//
// The dense form (this class) is for merging and percentiles; the sparse form (non-zero
// buckets only) is how per-second slices are kept.
class LatencyHistogram
{
public:
    static constexpr int kSubBits = 6;         // 64 buckets per power of two
    static constexpr int kSub = 1 << kSubBits; // 64
    static constexpr int kMaxExponent = 36;    // values < 2^37 ns
    static constexpr int kBuckets = (kMaxExponent - kSubBits + 1) * kSub + kSub; // 2048

    using Sparse = std::vector<std::pair<quint16, quint32>>; // (bucket, count), by bucket

    static int bucketOf(qint64 ns);
    static qint64 lowerBound(int bucket); // smallest value in the bucket
    static qint64 upperBound(int bucket); // one past the largest value
    // What a percentile reports for a bucket: the value itself for exact buckets, else the
    // midpoint.
    static double representative(int bucket);

    LatencyHistogram();

    void add(qint64 ns, quint64 count = 1);
    void addBucket(int bucket, quint64 count)
    {
        m_counts[size_t(bucket)] += count;
        m_total += count;
    }
    void addSparse(const Sparse &sparse);
    void merge(const LatencyHistogram &other);
    void clear();

    quint64 count() const { return m_total; }
    quint64 countAt(int bucket) const { return m_counts[size_t(bucket)]; }
    // The nearest-rank percentile (q in (0, 1]) in nanoseconds; 0 when empty.
    double percentileNs(double q) const;
    static double percentileNs(const Sparse &sparse, double q);
    Sparse toSparse() const;

private:
    std::vector<quint64> m_counts;
    quint64 m_total = 0;
};

} // namespace cr
