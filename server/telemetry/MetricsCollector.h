#pragma once

#include <prometheus/collectable.h>

#include <QByteArray>

#include <memory>

namespace prometheus {
class Registry;
}

namespace cr {

class Metrics;

// Exports Metrics (summed per-thread shards, providers) and /proc process figures as
// Prometheus metric families; exposition() renders them, with the prometheus-cpp registry's
// own families (coderunner_build_info), in the text format. Thread-safe.
class MetricsCollector final : public prometheus::Collectable
{
public:
    explicit MetricsCollector(const Metrics &metrics);
    ~MetricsCollector() override;

    std::vector<prometheus::MetricFamily> Collect() const override;
    // The body of GET /metrics (text format 0.0.4).
    QByteArray exposition() const;

    static constexpr const char *kContentType = "text/plain; version=0.0.4; charset=utf-8";

private:
    const Metrics &m_metrics;
    std::shared_ptr<prometheus::Registry> m_registry;
};

} // namespace cr
