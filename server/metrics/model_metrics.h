// Per model version metrics: rows predicted (throughput in predictions),
// inputs outside the training domain (input drift), and the distribution of
// predicted values (output drift).
#ifndef REGSERVE_SERVER_METRICS_MODEL_METRICS_H_
#define REGSERVE_SERVER_METRICS_MODEL_METRICS_H_

#include <vector>

#include "Eigen/Core"
#include "absl/types/span.h"
#include "model/linear_model.h"
#include "prometheus/counter.h"
#include "prometheus/histogram.h"

namespace regserve::server::metrics {

// Handles for one loaded model version, created when it is loaded. Thread-
// safe. Does not own the handles (the metrics registry does).
class ModelMetrics {
 public:
  ModelMetrics(const model::LinearModel& model, prometheus::Counter* rows,
               std::vector<prometheus::Counter*> out_of_domain,
               prometheus::Histogram* predictions,
               std::vector<double> prediction_buckets);

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
  prometheus::Counter* rows_;
  std::vector<prometheus::Counter*> out_of_domain_;  // per feature
  prometheus::Histogram* predictions_;
  std::vector<double> buckets_;
};

}  // namespace regserve::server::metrics

#endif  // REGSERVE_SERVER_METRICS_MODEL_METRICS_H_
