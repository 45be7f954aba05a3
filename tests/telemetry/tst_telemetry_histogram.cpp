// Log-linear latency buckets: layout, and percentiles within 1 % of the exact ones.

#include "telemetry/LatencyHistogram.h"

#include <QTest>

#include <algorithm>
#include <cmath>
#include <random>
#include <vector>

using cr::LatencyHistogram;

class TelemetryHistogramTest : public QObject
{
    Q_OBJECT

private:
    // The exact nearest-rank percentile of sorted data.
    static qint64 exact(const std::vector<qint64> &sorted, double q)
    {
        const auto rank = size_t(std::ceil(q * double(sorted.size())));
        return sorted[std::max<size_t>(rank, 1) - 1];
    }

    static void checkPercentiles(std::vector<qint64> values, const char *what)
    {
        LatencyHistogram h;
        for (qint64 v : values)
            h.add(v);
        std::sort(values.begin(), values.end());
        QCOMPARE(h.count(), quint64(values.size()));
        const LatencyHistogram::Sparse sparse = h.toSparse();
        for (double q : {0.01, 0.1, 0.25, 0.5, 0.75, 0.9, 0.95, 0.99, 0.999, 1.0}) {
            const double truth = double(exact(values, q));
            const double estimate = h.percentileNs(q);
            const double error = std::fabs(estimate - truth) / truth;
            QVERIFY2(error <= 0.01, qPrintable(QStringLiteral("%1 p%2: %3 vs exact %4 (%5 %)")
                                                   .arg(QLatin1String(what))
                                                   .arg(q * 100)
                                                   .arg(estimate)
                                                   .arg(truth)
                                                   .arg(error * 100)));
            QCOMPARE(LatencyHistogram::percentileNs(sparse, q), estimate);
        }
    }

private Q_SLOTS:
    void bucketsTileTheRange()
    {
        // Every bucket starts where the previous one ended, and is at most 1/64 of its lower
        // bound wide (above the exact range).
        QCOMPARE(LatencyHistogram::lowerBound(0), qint64(0));
        for (int b = 1; b < LatencyHistogram::kBuckets; ++b) {
            QCOMPARE(LatencyHistogram::lowerBound(b), LatencyHistogram::upperBound(b - 1));
            const qint64 width = LatencyHistogram::upperBound(b) - LatencyHistogram::lowerBound(b);
            if (b >= 2 * LatencyHistogram::kSub)
                QVERIFY(width * 64 <= LatencyHistogram::lowerBound(b));
            else
                QCOMPARE(width, qint64(1));
        }
        QCOMPARE(LatencyHistogram::kBuckets, 2048);
    }

    void valuesLandInTheirBucket()
    {
        std::mt19937_64 rng(42);
        for (int i = 0; i < 200000; ++i) {
            const qint64 v = qint64(rng() >> (rng() % 27 + 27)); // 0 … 2^37
            const int b = LatencyHistogram::bucketOf(v);
            QVERIFY(LatencyHistogram::lowerBound(b) <= v);
            QVERIFY(v < LatencyHistogram::upperBound(b));
            const double rep = LatencyHistogram::representative(b);
            if (v > 0)
                QVERIFY(std::fabs(rep - double(v)) / double(v) <= 0.0079);
        }
        QCOMPARE(LatencyHistogram::bucketOf(-5), 0);
        QCOMPARE(LatencyHistogram::bucketOf(qint64(1) << 40), LatencyHistogram::kBuckets - 1);
        QCOMPARE(LatencyHistogram::bucketOf(127), 127);
        QCOMPARE(LatencyHistogram::bucketOf(128), 128);
    }

    void percentilesOfKnownData()
    {
        // Log-normal latencies around 2 ms (a typical API), deterministic.
        std::mt19937_64 rng(7);
        std::lognormal_distribution<double> lognormal(std::log(2e6), 0.8);
        std::vector<qint64> values;
        for (int i = 0; i < 100000; ++i)
            values.push_back(qint64(lognormal(rng)));
        checkPercentiles(values, "lognormal");

        // Uniform 50 µs … 10 s, the whole exported range.
        std::uniform_int_distribution<qint64> uniform(50000, 10000000000);
        values.clear();
        for (int i = 0; i < 50000; ++i)
            values.push_back(uniform(rng));
        checkPercentiles(values, "uniform");

        // Bimodal: fast cache hits and slow database calls.
        values.clear();
        std::normal_distribution<double> fast(80000, 5000), slow(45e6, 4e6);
        for (int i = 0; i < 90000; ++i)
            values.push_back(std::max<qint64>(1000, qint64(fast(rng))));
        for (int i = 0; i < 10000; ++i)
            values.push_back(std::max<qint64>(1000, qint64(slow(rng))));
        checkPercentiles(values, "bimodal");
    }

    void smallExactValues()
    {
        LatencyHistogram h;
        for (qint64 v = 1; v <= 100; ++v)
            h.add(v);
        QCOMPARE(h.percentileNs(0.5), 50.0);
        QCOMPARE(h.percentileNs(0.99), 99.0);
        QCOMPARE(h.percentileNs(1.0), 100.0);
        QCOMPARE(LatencyHistogram().percentileNs(0.5), 0.0);
    }

    void mergeAndSparseRoundTrip()
    {
        LatencyHistogram a, b, merged;
        for (qint64 v = 1000; v < 2000000; v += 997)
            a.add(v);
        for (qint64 v = 5000000; v < 9000000; v += 3001)
            b.add(v, 2);
        merged.merge(a);
        merged.addSparse(b.toSparse());
        QCOMPARE(merged.count(), a.count() + b.count());
        LatencyHistogram again;
        again.addSparse(merged.toSparse());
        for (int i = 0; i < LatencyHistogram::kBuckets; ++i)
            QCOMPARE(again.countAt(i), merged.countAt(i));
    }
};

QTEST_APPLESS_MAIN(TelemetryHistogramTest)
#include "tst_telemetry_histogram.moc"
