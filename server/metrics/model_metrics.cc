#include "server/metrics/model_metrics.h"

#include <algorithm>

namespace regserve::server::metrics {

ModelMetrics::ModelMetrics(const model::LinearModel& model,
                           std::shared_ptr<const VersionSeries> series,
                           std::vector<prometheus::Counter*> out_of_domain,
                           std::vector<prometheus::Counter*> unknown_levels)
    : series_(std::move(series)),
      out_of_domain_(std::move(out_of_domain)),
      unknown_levels_(std::move(unknown_levels)) {
  for (const model::ColumnDomain& d : model.params().feature_domains) {
    min_.push_back(d.min);
    max_.push_back(d.max);
  }
}

std::vector<double> ModelMetrics::PredictionBuckets(
    const model::ColumnDomain& d) {
  std::vector<double> bounds;
  const double width = (d.max - d.min) / 10;
  if (!(width > 0)) return {d.min};
  for (int i = 0; i <= 10; ++i) bounds.push_back(d.min + i * width);
  return bounds;
}

void ModelMetrics::RecordRow(absl::Span<const double> row,
                             double prediction) const {
  series_->rows->Increment();
  for (size_t j = 0; j < row.size(); ++j) {
    if (row[j] < min_[j] || row[j] > max_[j]) out_of_domain_[j]->Increment();
  }
  series_->predictions->Observe(prediction);
}

void ModelMetrics::RecordTable(
    const Eigen::Ref<const model::RowMajorMatrix>& x,
    absl::Span<const int> column_to_feature,
    const Eigen::Ref<const Eigen::VectorXd>& predictions) const {
  series_->rows->Increment(static_cast<double>(x.rows()));
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    const int j = column_to_feature[c];
    const auto col = x.col(c).array();
    const Eigen::Index outside = ((col < min_[j]) || (col > max_[j])).count();
    if (outside > 0) out_of_domain_[j]->Increment(static_cast<double>(outside));
  }
  // Bucket locally, then one locked update instead of one per row. The
  // bounds are the histogram's own (VersionSeries), so the counts always
  // fit it.
  const std::vector<double>& bounds = series_->buckets;
  std::vector<double> counts(bounds.size() + 1, 0.0);
  for (double p : predictions) {
    const auto bucket =
        std::lower_bound(bounds.begin(), bounds.end(), p) - bounds.begin();
    counts[static_cast<size_t>(bucket)] += 1;
  }
  series_->predictions->ObserveBuckets(counts, predictions.sum());
}

}  // namespace regserve::server::metrics
