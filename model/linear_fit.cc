#include "model/linear_fit.h"

#include <algorithm>
#include <cmath>
#include <utility>

#include "Eigen/QR"
#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/status_macros.h"

namespace regserve::model {
namespace {

// R's lm() declares a column aliased when its pivot falls below 1e-7 of the
// largest; the same tolerance keeps our rank decisions in line with R's.
constexpr double kRankTolerance = 1e-7;

absl::Status CheckFiniteInputs(const TrainingSet& set) {
  for (Eigen::Index j = 0; j < set.x.cols(); ++j) {
    for (Eigen::Index i = 0; i < set.x.rows(); ++i) {
      if (!std::isfinite(set.x(i, j))) {
        return absl::InvalidArgumentError(
            absl::StrCat("feature ", set.feature_names[static_cast<size_t>(j)],
                         " row ", i + 1, " is not finite (", set.x(i, j), ")"));
      }
    }
  }
  for (Eigen::Index i = 0; i < set.y.size(); ++i) {
    if (!std::isfinite(set.y[i])) {
      return absl::InvalidArgumentError(absl::StrCat(
          "target ", set.target_name, " row ", i + 1, " is not finite"));
    }
  }
  return absl::OkStatus();
}

absl::Status CheckShape(const TrainingSet& set) {
  const Eigen::Index n = set.x.rows(), k = set.x.cols();
  if (k == 0 || static_cast<size_t>(k) != set.feature_names.size() ||
      set.y.size() != n) {
    return absl::InvalidArgumentError("features, names and target disagree");
  }
  if (n <= k + 1) {
    return absl::InvalidArgumentError(absl::StrCat(
        "need more rows than features + 1: ", n, " rows, ", k, " features"));
  }
  return CheckFiniteInputs(set);
}

absl::Status RankDeficiencyError(
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd>& qr,
    const std::vector<std::string>& names) {
  std::vector<std::string> aliased;
  for (Eigen::Index i = qr.rank(); i < qr.cols(); ++i) {
    aliased.push_back(
        names[static_cast<size_t>(qr.colsPermutation().indices()[i])]);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "design matrix is rank deficient (rank ", qr.rank(), " of ", qr.cols(),
      " features): ", absl::StrJoin(aliased, ", "),
      " duplicate or are linear combinations of other features; drop them or "
      "use --ridge_lambda > 0"));
}

// The inverse of A = Z'Z + lambda I from the QR of the augmented design:
// A = P R' R P', so A^-1 = P R^-1 R^-T P'.
Eigen::MatrixXd InverseFromQr(
    const Eigen::ColPivHouseholderQR<Eigen::MatrixXd>& qr) {
  const Eigen::Index k = qr.cols();
  Eigen::MatrixXd r =
      qr.matrixR().topLeftCorner(k, k).triangularView<Eigen::Upper>();
  Eigen::MatrixXd r_inv =
      r.triangularView<Eigen::Upper>().solve(Eigen::MatrixXd::Identity(k, k));
  Eigen::MatrixXd a_inv_perm = r_inv * r_inv.transpose();
  return qr.colsPermutation() * a_inv_perm * qr.colsPermutation().transpose();
}

// Appends factor column `col` of `data` to the design: its indicator
// columns to `columns` and their names to set->feature_names, and the
// factor to set->factors. `numeric`: a number column forced to a factor.
absl::Status AddFactor(const Dataset& data, int col, bool numeric,
                       std::vector<Eigen::VectorXd>* columns,
                       TrainingSet* set) {
  const std::string& name = data.columns[static_cast<size_t>(col)];
  std::vector<std::string> cells;
  if (numeric) {
    for (Eigen::Index r = 0; r < data.values.rows(); ++r) {
      cells.push_back(NumericLevel(data.values(r, col)));
    }
  } else {
    cells = data.text[static_cast<size_t>(col)];
  }
  Factor factor;
  factor.name = name;
  factor.levels = FactorLevels(cells, numeric);
  ASSIGN_OR_RETURN(Eigen::MatrixXd indicators,
                   TreatmentColumns(name, cells, factor.levels));
  factor.counts.push_back(indicators.rows() -
                          static_cast<int64_t>(indicators.sum()));
  for (Eigen::Index l = 0; l < indicators.cols(); ++l) {
    factor.counts.push_back(static_cast<int64_t>(indicators.col(l).sum()));
    factor.term_indices.push_back(static_cast<int>(columns->size()));
    columns->push_back(indicators.col(l));
    set->feature_names.push_back(name +
                                 factor.levels[static_cast<size_t>(l) + 1]);
  }
  set->factors.push_back(std::move(factor));
  return absl::OkStatus();
}

}  // namespace

std::vector<ColumnDomain> ComputeDomains(
    const Eigen::MatrixXd& values, const std::vector<std::string>& names) {
  std::vector<ColumnDomain> out;
  const double n = static_cast<double>(values.rows());
  for (Eigen::Index j = 0; j < values.cols(); ++j) {
    auto col = values.col(j);
    ColumnDomain d;
    d.name = names[static_cast<size_t>(j)];
    d.min = col.minCoeff();
    d.max = col.maxCoeff();
    d.mean = col.mean();
    d.stddev = n > 1
                   ? std::sqrt((col.array() - d.mean).square().sum() / (n - 1))
                   : 0.0;
    out.push_back(std::move(d));
  }
  return out;
}

absl::StatusOr<TrainingSet> SelectColumns(
    const Dataset& data, const std::string& target,
    const std::vector<std::string>& features,
    const std::vector<std::string>& categorical) {
  std::optional<int> target_col = data.ColumnIndex(target);
  if (!target_col) {
    return absl::InvalidArgumentError(
        absl::StrCat("target column '", target, "' is not in ", data.source,
                     " (columns: ", absl::StrJoin(data.columns, ", "), ")"));
  }
  if (data.IsText(*target_col)) {
    return absl::InvalidArgumentError(
        absl::StrCat("target column '", target, "' holds text (e.g. '",
                     data.text[static_cast<size_t>(*target_col)][0],
                     "'); a regression target must be numeric"));
  }
  std::vector<std::string> names = features;
  if (names.empty()) {
    for (const std::string& c : data.columns) {
      if (c != target) names.push_back(c);
    }
  }
  for (const std::string& name : categorical) {
    if (std::find(names.begin(), names.end(), name) == names.end()) {
      return absl::InvalidArgumentError(absl::StrCat(
          "categorical feature '", name, "' is not one of the features"));
    }
  }
  TrainingSet set;
  std::vector<Eigen::VectorXd> columns;
  absl::flat_hash_set<std::string> seen;
  for (const std::string& name : names) {
    std::optional<int> col = data.ColumnIndex(name);
    if (!col) {
      return absl::InvalidArgumentError(absl::StrCat(
          "feature '", name, "' is not a column of ", data.source));
    }
    if (*col == *target_col || !seen.insert(name).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature '", name, "' is repeated or is the target"));
    }
    set.input_names.push_back(name);
    const bool forced = std::find(categorical.begin(), categorical.end(),
                                  name) != categorical.end();
    if (!data.IsText(*col) && !forced) {
      columns.emplace_back(data.values.col(*col));
      set.feature_names.push_back(name);
      continue;
    }
    RETURN_IF_ERROR(AddFactor(data, *col, !data.IsText(*col), &columns, &set));
  }
  set.x.resize(data.values.rows(), static_cast<Eigen::Index>(columns.size()));
  for (size_t j = 0; j < columns.size(); ++j) {
    set.x.col(static_cast<Eigen::Index>(j)) = columns[j];
  }
  set.y = data.values.col(*target_col);
  set.target_name = target;
  if (set.factors.empty()) set.input_names.clear();
  return set;
}

absl::StatusOr<FitResult> FitLinearRegression(const TrainingSet& set,
                                              const FitOptions& options) {
  RETURN_IF_ERROR(CheckShape(set));
  if (!(options.ridge_lambda >= 0) || !std::isfinite(options.ridge_lambda)) {
    return absl::InvalidArgumentError("ridge lambda must be finite and >= 0");
  }
  const Eigen::Index n = set.x.rows(), k = set.x.cols();
  const double nd = static_cast<double>(n);
  std::vector<ColumnDomain> domains = ComputeDomains(set.x, set.feature_names);
  Eigen::VectorXd mean(k), sd(k);
  for (Eigen::Index j = 0; j < k; ++j) {
    const ColumnDomain& d = domains[static_cast<size_t>(j)];
    if (d.stddev == 0) {
      return absl::InvalidArgumentError(
          absl::StrCat("feature ", d.name, " is constant (", d.mean,
                       "): it is collinear with the intercept; drop it"));
    }
    mean[j] = d.mean;
    sd[j] = d.stddev;
  }
  // Centering and scaling make the QR well conditioned and let ridge penalize
  // standardized coefficients; the intercept is recovered from the means.
  Eigen::MatrixXd z = (set.x.rowwise() - mean.transpose()).array().rowwise() /
                      sd.transpose().array();
  const double y_mean = set.y.mean();
  Eigen::MatrixXd aug(n + k, k);
  aug << z, std::sqrt(options.ridge_lambda) * Eigen::MatrixXd::Identity(k, k);
  Eigen::VectorXd rhs = Eigen::VectorXd::Zero(n + k);
  rhs.head(n) = set.y.array() - y_mean;

  Eigen::ColPivHouseholderQR<Eigen::MatrixXd> qr(aug.rows(), aug.cols());
  qr.setThreshold(kRankTolerance);
  qr.compute(aug);
  if (qr.rank() < k) return RankDeficiencyError(qr, set.feature_names);
  const Eigen::VectorXd beta_z = qr.solve(rhs);
  const Eigen::MatrixXd a_inv = InverseFromQr(qr);

  FitResult result;
  LinearModelParams& p = result.params;
  p.model_type = options.ridge_lambda > 0 ? "ridge" : "ols";
  p.feature_names = set.feature_names;
  p.input_names = set.input_names;
  p.factors = set.factors;
  p.target_name = set.target_name;
  p.coefficients = beta_z.array() / sd.array();
  p.intercept = y_mean - p.coefficients.dot(mean);

  const Eigen::VectorXd residuals =
      set.y - ((set.x * p.coefficients).array() + p.intercept).matrix();
  const double rss = residuals.squaredNorm();
  const double tss = (set.y.array() - y_mean).square().sum();
  // Effective parameters: trace of the hat matrix for ridge; for OLS
  // exactly k (R's df.residual), not the trace's rounding (143.99999999999994
  // on iris).
  const Eigen::MatrixXd ztz = z.transpose() * z;
  const double hat_trace =
      options.ridge_lambda > 0 ? (a_inv * ztz).trace() : static_cast<double>(k);
  p.residual_df = nd - 1 - hat_trace;
  if (!(p.residual_df > 0)) {
    return absl::InvalidArgumentError("no residual degrees of freedom left");
  }
  p.residual_std_error = std::sqrt(rss / p.residual_df);

  // Var(beta_z) / sigma^2 = A^-1 Z'Z A^-1 (A^-1 for OLS); Var(y_mean) =
  // sigma^2 / n, uncorrelated with beta_z since Z is centered. T maps
  // (y_mean, beta_z) to (intercept, coefficients).
  Eigen::MatrixXd cov_z = Eigen::MatrixXd::Zero(k + 1, k + 1);
  cov_z(0, 0) = 1.0 / nd;
  cov_z.bottomRightCorner(k, k) = a_inv * ztz * a_inv;
  Eigen::MatrixXd t = Eigen::MatrixXd::Zero(k + 1, k + 1);
  t(0, 0) = 1.0;
  t.block(0, 1, 1, k) = -(mean.array() / sd.array()).matrix().transpose();
  t.bottomRightCorner(k, k) = sd.cwiseInverse().asDiagonal();
  p.unscaled_covariance = t * cov_z * t.transpose();
  p.feature_domains = std::move(domains);
  p.target_domain =
      ComputeDomains(set.y, std::vector<std::string>{set.target_name})[0];

  FitStatistics& s = result.statistics;
  s.observations = n;
  const Eigen::VectorXd se =
      p.residual_std_error * p.unscaled_covariance.diagonal().cwiseSqrt();
  s.intercept_std_error = se[0];
  s.coefficient_std_errors = se.tail(k);
  s.r_squared = 1 - rss / tss;
  s.adjusted_r_squared = 1 - (1 - s.r_squared) * (nd - 1) / p.residual_df;
  s.rmse = std::sqrt(rss / nd);
  s.mae = residuals.cwiseAbs().mean();
  return result;
}

}  // namespace regserve::model
