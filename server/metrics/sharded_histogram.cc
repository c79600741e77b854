#include "server/metrics/sharded_histogram.h"

#include <algorithm>
#include <limits>

namespace regserve::server::metrics {

ShardedHistogram::ShardedHistogram(std::vector<double> bounds)
    : bounds_(std::move(bounds)) {
  for (Shard& shard : shards_) {
    shard.counts =
        std::make_unique<std::atomic<uint64_t>[]>(bounds_.size() + 1);
  }
}

ShardedHistogram::Shard& ShardedHistogram::ShardOfThisThread() {
  static std::atomic<int> next_shard{0};
  thread_local const int shard =
      next_shard.fetch_add(1, std::memory_order_relaxed) % kShards;
  return shards_[shard];
}

void ShardedHistogram::Observe(double value) {
  // The first bound >= value, as prometheus-cpp buckets ("le").
  const size_t bucket = static_cast<size_t>(
      std::lower_bound(bounds_.begin(), bounds_.end(), value) -
      bounds_.begin());
  Shard& shard = ShardOfThisThread();
  shard.counts[bucket].fetch_add(1, std::memory_order_relaxed);
  shard.sum.fetch_add(value, std::memory_order_relaxed);
}

void ShardedHistogram::ObserveBuckets(absl::Span<const double> counts,
                                      double sum) {
  Shard& shard = ShardOfThisThread();
  const size_t n = std::min(counts.size(), bounds_.size() + 1);
  for (size_t i = 0; i < n; ++i) {
    if (counts[i] > 0) {
      shard.counts[i].fetch_add(static_cast<uint64_t>(counts[i]),
                                std::memory_order_relaxed);
    }
  }
  shard.sum.fetch_add(sum, std::memory_order_relaxed);
}

prometheus::ClientMetric ShardedHistogram::Collect() const {
  prometheus::ClientMetric metric;
  uint64_t cumulative = 0;
  double sum = 0;
  metric.histogram.bucket.reserve(bounds_.size() + 1);
  for (size_t i = 0; i <= bounds_.size(); ++i) {
    for (const Shard& shard : shards_) {
      cumulative += shard.counts[i].load(std::memory_order_relaxed);
    }
    prometheus::ClientMetric::Bucket bucket;
    bucket.cumulative_count = cumulative;
    bucket.upper_bound = i == bounds_.size()
                             ? std::numeric_limits<double>::infinity()
                             : bounds_[i];
    metric.histogram.bucket.push_back(bucket);
  }
  for (const Shard& shard : shards_) {
    sum += shard.sum.load(std::memory_order_relaxed);
  }
  metric.histogram.sample_count = cumulative;
  metric.histogram.sample_sum = sum;
  return metric;
}

ShardedHistogram* ShardedHistogramFamily::Add(
    const std::map<std::string, std::string>& labels,
    const std::vector<double>& bounds) {
  if (!std::is_sorted(bounds.begin(), bounds.end()) ||
      std::adjacent_find(bounds.begin(), bounds.end()) != bounds.end()) {
    return nullptr;
  }
  absl::MutexLock lock(&mu_);
  auto& slot = series_[labels];
  if (slot == nullptr) slot = std::make_unique<ShardedHistogram>(bounds);
  return slot.get();
}

void ShardedHistogramFamily::Remove(ShardedHistogram* series) {
  absl::MutexLock lock(&mu_);
  for (auto it = series_.begin(); it != series_.end(); ++it) {
    if (it->second.get() == series) {
      series_.erase(it);
      return;
    }
  }
}

std::vector<prometheus::MetricFamily> ShardedHistogramFamily::Collect() const {
  prometheus::MetricFamily family;
  family.name = name_;
  family.help = help_;
  family.type = prometheus::MetricType::Histogram;
  absl::MutexLock lock(&mu_);
  for (const auto& [labels, series] : series_) {
    prometheus::ClientMetric metric = series->Collect();
    for (const auto& [name, value] : labels) {
      metric.label.push_back({name, value});
    }
    family.metric.push_back(std::move(metric));
  }
  return {std::move(family)};
}

}  // namespace regserve::server::metrics
