#include "server/metrics/version_series.h"

#include <exception>
#include <stdexcept>

#include "absl/strings/str_cat.h"

namespace regserve::server::metrics {

absl::StatusOr<std::shared_ptr<const VersionSeries>> VersionSeriesBook::Acquire(
    const std::string& model, int64_t version, std::vector<double> buckets) {
  const Key key{model, version};
  absl::MutexLock lock(&mu_);
  if (auto it = entries_.find(key); it != entries_.end()) {
    if (auto live = it->second.series.lock()) return live;
    // Its last holder is gone but has not been released yet: remove it
    // now, so the series made below are new ones.
    Remove(it->second);
    entries_.erase(it);
  }
  const std::map<std::string, std::string> labels = {
      {"model", model}, {"version", std::to_string(version)}};
  auto series = std::make_unique<VersionSeries>();
  try {
    series->rows = &rows_.Add(labels);
    series->predictions = predictions_->Add(labels, buckets);
    if (series->predictions == nullptr) {
      throw std::invalid_argument("prediction buckets are not ascending");
    }
  } catch (const std::exception& e) {
    if (series->rows != nullptr) rows_.Remove(series->rows);
    return absl::InternalError(
        absl::StrCat("cannot create the metric series of model ", model,
                     " version ", version, ": ", e.what()));
  }
  series->buckets = std::move(buckets);
  const uint64_t id = next_id_++;
  Entry entry{id, {}, series->rows, series->predictions};
  std::weak_ptr<VersionSeriesBook> book = weak_from_this();
  std::shared_ptr<const VersionSeries> shared(
      series.release(), [book, key, id](const VersionSeries* s) {
        if (auto owner = book.lock()) owner->Release(key, id);
        delete s;
      });
  entry.series = shared;
  entries_[key] = entry;
  return shared;
}

void VersionSeriesBook::Remove(const Entry& entry) {
  rows_.Remove(entry.rows);
  predictions_->Remove(entry.predictions);
}

void VersionSeriesBook::Release(const Key& key, uint64_t id) {
  absl::MutexLock lock(&mu_);
  auto it = entries_.find(key);
  if (it == entries_.end() || it->second.id != id) return;  // already gone
  Remove(it->second);
  entries_.erase(it);
}

}  // namespace regserve::server::metrics
