// Histograms whose Observe takes no lock. prometheus-cpp 1.0.1's
// Histogram::Observe locks a mutex shared by every thread that observes it;
// on the serving path that is two locks a Predict. Here each observing
// thread writes to one of kShards shards (relaxed atomic counters on cache
// lines of their own); the shards are summed only when /metrics is scraped.
// The exposition is the same as prometheus-cpp's (cumulative buckets, +Inf,
// _sum, _count).
#ifndef REGSERVE_SERVER_METRICS_SHARDED_HISTOGRAM_H_
#define REGSERVE_SERVER_METRICS_SHARDED_HISTOGRAM_H_

#include <atomic>
#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "absl/synchronization/mutex.h"
#include "absl/types/span.h"
#include "prometheus/client_metric.h"
#include "prometheus/collectable.h"
#include "prometheus/metric_family.h"

namespace regserve::server::metrics {

// One histogram series. Thread-safe; Observe and ObserveBuckets are
// lock-free and allocate nothing.
class ShardedHistogram {
 public:
  static constexpr int kShards = 16;

  // `bounds`: upper bounds, ascending (+Inf is implied). INVALID input is
  // the caller's to avoid: ShardedHistogramFamily::Add checks.
  explicit ShardedHistogram(std::vector<double> bounds);

  // One observation of `value` (non-finite values are the caller's to
  // refuse; they would poison the sum).
  void Observe(double value);
  // Many at once: `counts[i]` observations in bucket i (bounds().size() + 1
  // entries, the last for +Inf) whose values add up to `sum`.
  void ObserveBuckets(absl::Span<const double> counts, double sum);

  const std::vector<double>& bounds() const { return bounds_; }
  // The shards summed, as prometheus-cpp reports a histogram.
  prometheus::ClientMetric Collect() const;

 private:
  struct alignas(64) Shard {
    std::unique_ptr<std::atomic<uint64_t>[]> counts;
    std::atomic<double> sum{0};
  };
  Shard& ShardOfThisThread();

  const std::vector<double> bounds_;
  Shard shards_[kShards];
};

// A metric family of sharded histograms, registered with the exposer as a
// Collectable. Thread-safe; Add and Remove lock (off the serving path),
// Collect locks only the family's series list.
class ShardedHistogramFamily : public prometheus::Collectable {
 public:
  ShardedHistogramFamily(std::string name, std::string help)
      : name_(std::move(name)), help_(std::move(help)) {}

  // The series with `labels`, made with `bounds` if new (an existing
  // series keeps its own bounds: see bounds()). Throws nothing;
  // std::invalid_argument from unsorted bounds is reported as null.
  ShardedHistogram* Add(const std::map<std::string, std::string>& labels,
                        const std::vector<double>& bounds);
  // Removes `series` (from /metrics and from memory): nobody may hold it.
  void Remove(ShardedHistogram* series);

  std::vector<prometheus::MetricFamily> Collect() const override;

 private:
  const std::string name_;
  const std::string help_;
  mutable absl::Mutex mu_;
  std::map<std::map<std::string, std::string>,
           std::unique_ptr<ShardedHistogram>>
      series_ ABSL_GUARDED_BY(mu_);
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_SHARDED_HISTOGRAM_H_
