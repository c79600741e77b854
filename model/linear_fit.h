// Fits linear regression models (OLS and ridge) with Eigen.
#ifndef REGSERVE_MODEL_LINEAR_FIT_H_
#define REGSERVE_MODEL_LINEAR_FIT_H_

#include <string>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "model/dataset.h"
#include "model/factor_design.h"
#include "model/linear_model.h"

namespace regserve::model {

// The design of a fit: features and target picked from a Dataset.
struct TrainingSet {
  Eigen::MatrixXd x;  // rows x terms (numeric features, factor indicators)
  Eigen::VectorXd y;  // rows
  std::vector<std::string> feature_names;  // the terms' names, as R's
  std::string target_name;
  // The inputs in column order (numeric features and factors), and the
  // factors with their levels and indicator terms; empty without factors.
  std::vector<std::string> input_names;
  std::vector<Factor> factors;
};

// Picks `target` and `features` (empty: every other column, in file order)
// from `data`, as R's model.matrix(y ~ ., data) does: text columns, and
// the features named in `categorical`, are factors coded with treatment
// contrasts (factor_design.h); their indicator terms stand where the column
// stands. Unknown or repeated names, the target among the features, a
// text target, a name in `categorical` that is not a feature, or a factor
// with one level are errors naming them.
absl::StatusOr<TrainingSet> SelectColumns(
    const Dataset& data, const std::string& target,
    const std::vector<std::string>& features,
    const std::vector<std::string>& categorical = {});

struct FitOptions {
  // Ridge penalty on standardized features (intercept not penalized);
  // 0 fits ordinary least squares.
  double ridge_lambda = 0;
};

// Goodness of fit, as R's summary(lm) reports it.
struct FitStatistics {
  int64_t observations = 0;
  double intercept_std_error = 0;
  Eigen::VectorXd coefficient_std_errors;  // one per feature
  double r_squared = 0;
  double adjusted_r_squared = 0;
  double rmse = 0;
  double mae = 0;
};

struct FitResult {
  // Coefficients, covariance, sigma, df and training domain; name and
  // version are left for the caller to set.
  LinearModelParams params;
  FitStatistics statistics;
};

// Fits y = b0 + x b by a column-pivoting (rank-revealing) Householder QR of
// the standardized design, augmented with sqrt(lambda) I for ridge. For
// lambda = 0 this is OLS and agrees with R's lm(). A constant column, a
// rank-deficient design (with lambda = 0), non-finite values or too few rows
// are errors naming the columns involved.
absl::StatusOr<FitResult> FitLinearRegression(const TrainingSet& set,
                                              const FitOptions& options);

// Per-column min, max, mean and sample standard deviation of `values`.
std::vector<ColumnDomain> ComputeDomains(const Eigen::MatrixXd& values,
                                         const std::vector<std::string>& names);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_LINEAR_FIT_H_
