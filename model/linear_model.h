// A fitted linear regression model, ready to serve: predictions, prediction
// and confidence intervals, and per-feature contributions.
#ifndef REGSERVE_MODEL_LINEAR_MODEL_H_
#define REGSERVE_MODEL_LINEAR_MODEL_H_

#include <array>
#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/container/flat_hash_map.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "model/factor_design.h"
#include "model/input_encoding.h"

namespace regserve::model {

using RowMajorMatrix =
    Eigen::Matrix<double, Eigen::Dynamic, Eigen::Dynamic, Eigen::RowMajor>;

// Range and moments of one training column.
struct ColumnDomain {
  std::string name;
  double min = 0;
  double max = 0;
  double mean = 0;
  double stddev = 0;  // sample standard deviation (n - 1)
};

// Everything a LinearModel is made of; what the fitter produces and the
// artifact stores. Plain value type.
struct LinearModelParams {
  std::string name;
  int64_t version = 0;
  std::string model_type;  // "ols" or "ridge"
  std::vector<std::string> feature_names;
  std::string target_name;
  double intercept = 0;
  Eigen::VectorXd coefficients;  // one per feature
  // C with Var(x0' b) = sigma^2 x0' C x0, x0 = [1, x]; (p+1) x (p+1).
  Eigen::MatrixXd unscaled_covariance;
  double residual_std_error = 0;  // sigma
  double residual_df = 0;
  std::vector<ColumnDomain> feature_domains;  // one per feature
  ColumnDomain target_domain;
  // With factors: the inputs in training-column order (numeric feature
  // names and factor names), and the factors, whose indicator terms are
  // among feature_names (whose entries are then the model's terms).
  // Without: both empty, and the inputs are feature_names.
  std::vector<std::string> input_names;
  std::vector<Factor> factors;
};

// A two-sided interval.
struct Interval {
  double lower = 0;
  double upper = 0;
};

// Immutable after Create(), so one instance is safely shared by any number of
// threads without locks (the server holds it through shared_ptr snapshots).
class LinearModel {
 public:
  // Validates `params` (dimensions agree, names unique and non-empty, numbers
  // finite, df > 0) and returns the first problem found.
  static absl::StatusOr<LinearModel> Create(LinearModelParams params);

  const LinearModelParams& params() const { return params_; }
  const std::string& name() const { return params_.name; }
  int64_t version() const { return params_.version; }
  int num_features() const { return static_cast<int>(feature_names().size()); }
  const std::vector<std::string>& feature_names() const {
    return params_.feature_names;
  }
  // Position of feature `name` in the model's order, if it is a feature.
  // With factors the features are the model's terms; see inputs().
  std::optional<int> FeatureIndex(absl::string_view name) const;
  // The inputs a request sends and how they map onto the terms.
  const InputEncoding& inputs() const { return inputs_; }

  // Prediction for one row given in feature order (num_features() values).
  double Predict(absl::Span<const double> row) const;
  // Predictions for a row-major batch (rows x num_features()), computed as
  // one matrix-vector product. `out` must hold x.rows() values.
  void PredictBatch(const Eigen::Ref<const RowMajorMatrix>& x,
                    Eigen::Ref<Eigen::VectorXd> out) const;
  // Predictions for a row-major batch whose columns are the model features
  // permuted: column c holds feature column_to_feature[c]. No copy is made.
  void PredictPermuted(const Eigen::Ref<const RowMajorMatrix>& x,
                       absl::Span<const int> column_to_feature,
                       Eigen::Ref<Eigen::VectorXd> out) const;

  // Interval for a new observation at `row`, like R's
  // predict(lm, interval = "prediction", level = level). 0 < level < 1.
  Interval PredictionInterval(absl::Span<const double> row, double level) const;
  // Interval for the mean response at `row`, like interval = "confidence".
  Interval ConfidenceInterval(absl::Span<const double> row, double level) const;

  // The prediction at the training means.
  double Baseline() const { return baseline_; }
  // Per feature coef_j * (row_j - mean_j); Baseline() plus their sum is the
  // prediction. `out` must hold num_features() values.
  void Contributions(absl::Span<const double> row,
                     absl::Span<double> out) const;

  // Two-sided t quantile for `level` at this model's residual df; common
  // levels are precomputed so the serving path rarely calls Boost.
  double TQuantile(double level) const;

 private:
  explicit LinearModel(LinearModelParams params);
  // x0' C x0 for x0 = [1, row]: the unscaled variance of the fitted mean.
  double UnscaledFitVariance(absl::Span<const double> row) const;
  Interval MakeInterval(absl::Span<const double> row, double level,
                        bool for_new_observation) const;

  static constexpr std::array<double, 5> kCachedLevels = {0.5, 0.8, 0.9, 0.95,
                                                          0.99};
  LinearModelParams params_;
  Eigen::VectorXd feature_means_;
  double baseline_ = 0;
  std::array<double, kCachedLevels.size()> cached_quantiles_{};
  absl::flat_hash_map<std::string, int> feature_index_;
  InputEncoding inputs_;
};

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_LINEAR_MODEL_H_
