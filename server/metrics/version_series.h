// The per-version series (rows predicted, predicted values) of each loaded
// model version, with a lifetime tied to the versions that use them: a
// series is created when a version loads and removed from /metrics when
// the last loaded copy of that version is freed. So a new artifact
// published under an old version number (the documented rollback, then a
// new version 2) gets fresh series with its own histogram buckets, never
// the old artifact's.
#ifndef REGSERVE_SERVER_METRICS_VERSION_SERIES_H_
#define REGSERVE_SERVER_METRICS_VERSION_SERIES_H_

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/synchronization/mutex.h"
#include "prometheus/counter.h"
#include "prometheus/family.h"
#include "prometheus/registry.h"
#include "server/metrics/sharded_histogram.h"

namespace regserve::server::metrics {

// One version's series. `buckets` are the histogram's own bucket bounds.
struct VersionSeries {
  prometheus::Counter* rows = nullptr;
  ShardedHistogram* predictions = nullptr;
  std::vector<double> buckets;
};

// Thread-safe. Owned through a shared_ptr (series released after the book
// is gone are simply dropped); keeps the registry, and so the families,
// alive.
class VersionSeriesBook
    : public std::enable_shared_from_this<VersionSeriesBook> {
 public:
  VersionSeriesBook(std::shared_ptr<prometheus::Registry> registry,
                    prometheus::Family<prometheus::Counter>& rows,
                    std::shared_ptr<ShardedHistogramFamily> predictions)
      : registry_(std::move(registry)),
        rows_(rows),
        predictions_(std::move(predictions)) {}

  // The series of `model` `version`. Fresh ones with `buckets` unless a
  // loaded copy of the same version still holds its series (a reload under
  // the same number while calls still use the old copy): then those, whose
  // buckets it keeps. INTERNAL if prometheus-cpp refuses the buckets (it
  // throws on unsorted bounds; caught here, on the loading thread).
  absl::StatusOr<std::shared_ptr<const VersionSeries>> Acquire(
      const std::string& model, int64_t version, std::vector<double> buckets);

 private:
  using Key = std::pair<std::string, int64_t>;
  struct Entry {
    uint64_t id = 0;
    std::weak_ptr<const VersionSeries> series;
    prometheus::Counter* rows = nullptr;
    ShardedHistogram* predictions = nullptr;
  };
  // Removes the entry's series from /metrics.
  void Remove(const Entry& entry) ABSL_EXCLUSIVE_LOCKS_REQUIRED(mu_);
  // Called when the last holder of series `id` of `key` lets go.
  void Release(const Key& key, uint64_t id);

  const std::shared_ptr<prometheus::Registry> registry_;
  prometheus::Family<prometheus::Counter>& rows_;
  const std::shared_ptr<ShardedHistogramFamily> predictions_;
  absl::Mutex mu_;
  std::map<Key, Entry> entries_ ABSL_GUARDED_BY(mu_);
  uint64_t next_id_ ABSL_GUARDED_BY(mu_) = 1;
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_VERSION_SERIES_H_
