// Per model version metrics: rows predicted (throughput in predictions),
// inputs outside the training domain (input drift), and the distribution of
// predicted values (output drift).
#ifndef REGSERVE_SERVER_METRICS_MODEL_METRICS_H_
#define REGSERVE_SERVER_METRICS_MODEL_METRICS_H_

#include <memory>
#include <vector>

#include "Eigen/Core"
#include "absl/types/span.h"
#include "model/linear_model.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"
#include "server/metrics/version_series.h"

namespace regserve::server::metrics {

// Handles for one loaded model version, created when it is loaded. Thread-
// safe. Does not own the handles (the metrics registry does).
class ModelMetrics {
 public:
  // `series` are this version's rows counter and prediction histogram
  // (with the histogram's own buckets); `out_of_domain` one counter per
  // feature (term), in model order; `unknown_levels` one per categorical
  // feature, in the order of model.inputs().factors().
  ModelMetrics(const model::LinearModel& model,
               std::shared_ptr<const VersionSeries> series,
               std::vector<prometheus::Counter*> out_of_domain,
               std::vector<prometheus::Counter*> unknown_levels);

  // A request named a level that categorical feature (factor) `f` of the
  // model does not know; counted although the call is refused. `f` indexes
  // model.inputs().factors(), which the constructor got one counter each.
  void RecordUnknownLevel(int f) const { unknown_levels_[f]->Increment(); }

  // One row in model order and its prediction.
  void RecordRow(absl::Span<const double> row, double prediction) const;
  // A table whose column c is model feature column_to_feature[c].
  void RecordTable(const Eigen::Ref<const model::RowMajorMatrix>& x,
                   absl::Span<const int> column_to_feature,
                   const Eigen::Ref<const Eigen::VectorXd>& predictions) const;

  // Histogram bucket bounds for predictions of a target with this domain:
  // ten equal-width buckets over the training range.
  static std::vector<double> PredictionBuckets(const model::ColumnDomain& d);

 private:
  std::vector<double> min_, max_;  // training range per feature
  std::shared_ptr<const VersionSeries> series_;
  std::vector<prometheus::Counter*> out_of_domain_;   // per feature
  std::vector<prometheus::Counter*> unknown_levels_;  // per factor
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_MODEL_METRICS_H_
