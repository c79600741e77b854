#include "model/linear_model.h"

#include <cmath>
#include <utility>

#include "absl/container/flat_hash_set.h"
#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "model/student_t.h"

namespace regserve::model {
namespace {

absl::Status CheckFinite(double value, absl::string_view what) {
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat(what, " is not finite (", value, ")"));
  }
  return absl::OkStatus();
}

absl::Status CheckDomain(const ColumnDomain& d) {
  for (double v : {d.min, d.max, d.mean, d.stddev}) {
    absl::Status s = CheckFinite(v, absl::StrCat("domain of ", d.name));
    if (!s.ok()) return s;
  }
  if (d.min > d.max || d.stddev < 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("domain of ", d.name, " is inconsistent"));
  }
  return absl::OkStatus();
}

absl::Status ValidateParams(const LinearModelParams& p) {
  const size_t k = p.feature_names.size();
  if (p.name.empty()) return absl::InvalidArgumentError("model name is empty");
  if (k == 0) return absl::InvalidArgumentError("model has no features");
  absl::flat_hash_set<absl::string_view> seen;
  for (const std::string& f : p.feature_names) {
    if (f.empty()) return absl::InvalidArgumentError("empty feature name");
    if (!seen.insert(f).second) {
      return absl::InvalidArgumentError(
          absl::StrCat("duplicate feature name '", f, "'"));
    }
  }
  if (absl::Status s =
          ValidateFactors(p.factors, p.input_names, p.feature_names);
      !s.ok()) {
    return s;
  }
  if (static_cast<size_t>(p.coefficients.size()) != k) {
    return absl::InvalidArgumentError(
        absl::StrCat("model has ", k, " features but ", p.coefficients.size(),
                     " coefficients"));
  }
  const auto n = static_cast<Eigen::Index>(k + 1);
  if (p.unscaled_covariance.rows() != n || p.unscaled_covariance.cols() != n) {
    return absl::InvalidArgumentError(absl::StrCat(
        "unscaled covariance must be ", n, "x", n, ", is ",
        p.unscaled_covariance.rows(), "x", p.unscaled_covariance.cols()));
  }
  if (p.feature_domains.size() != k) {
    return absl::InvalidArgumentError(absl::StrCat("training domain has ",
                                                   p.feature_domains.size(),
                                                   " features, not ", k));
  }
  for (size_t j = 0; j < k; ++j) {
    if (p.feature_domains[j].name != p.feature_names[j]) {
      return absl::InvalidArgumentError(absl::StrCat(
          "training domain feature ", j, " is '", p.feature_domains[j].name,
          "', expected '", p.feature_names[j], "'"));
    }
    absl::Status s = CheckDomain(p.feature_domains[j]);
    if (!s.ok()) return s;
    s = CheckFinite(p.coefficients[static_cast<Eigen::Index>(j)],
                    absl::StrCat("coefficient of ", p.feature_names[j]));
    if (!s.ok()) return s;
  }
  if (absl::Status s = CheckDomain(p.target_domain); !s.ok()) return s;
  if (absl::Status s = CheckFinite(p.intercept, "intercept"); !s.ok()) return s;
  if (!p.unscaled_covariance.allFinite()) {
    return absl::InvalidArgumentError("unscaled covariance is not finite");
  }
  if (!std::isfinite(p.residual_std_error) || p.residual_std_error < 0) {
    return absl::InvalidArgumentError("residual standard error is invalid");
  }
  // A fit has at least one residual degree of freedom (n > p); anything
  // smaller is a corrupt artifact, whose t quantiles overflow.
  if (!std::isfinite(p.residual_df) || p.residual_df < 1) {
    return absl::InvalidArgumentError(
        absl::StrCat("residual df must be at least 1, is ", p.residual_df));
  }
  return absl::OkStatus();
}

}  // namespace

absl::StatusOr<LinearModel> LinearModel::Create(LinearModelParams params) {
  if (absl::Status s = ValidateParams(params); !s.ok()) return s;
  return LinearModel(std::move(params));
}

LinearModel::LinearModel(LinearModelParams params)
    : params_(std::move(params)),
      inputs_(params_.feature_names, params_.input_names, params_.factors) {
  const int k = num_features();
  feature_means_.resize(k);
  for (int j = 0; j < k; ++j) {
    feature_means_[j] = params_.feature_domains[static_cast<size_t>(j)].mean;
    feature_index_.emplace(params_.feature_names[static_cast<size_t>(j)], j);
  }
  baseline_ = params_.intercept + params_.coefficients.dot(feature_means_);
  for (size_t i = 0; i < kCachedLevels.size(); ++i) {
    cached_quantiles_[i] =
        TwoSidedTQuantile(kCachedLevels[i], params_.residual_df);
  }
}

std::optional<int> LinearModel::FeatureIndex(absl::string_view name) const {
  auto it = feature_index_.find(name);
  if (it == feature_index_.end()) return std::nullopt;
  return it->second;
}

double LinearModel::Predict(absl::Span<const double> row) const {
  Eigen::Map<const Eigen::VectorXd> x(row.data(), num_features());
  return params_.intercept + params_.coefficients.dot(x);
}

void LinearModel::PredictBatch(const Eigen::Ref<const RowMajorMatrix>& x,
                               Eigen::Ref<Eigen::VectorXd> out) const {
  out.noalias() = x * params_.coefficients;
  out.array() += params_.intercept;
}

void LinearModel::PredictPermuted(const Eigen::Ref<const RowMajorMatrix>& x,
                                  absl::Span<const int> column_to_feature,
                                  Eigen::Ref<Eigen::VectorXd> out) const {
  // Permuting the k coefficients is cheaper than reordering rows x k values.
  Eigen::VectorXd coef(static_cast<Eigen::Index>(column_to_feature.size()));
  for (size_t c = 0; c < column_to_feature.size(); ++c) {
    coef[static_cast<Eigen::Index>(c)] =
        params_.coefficients[column_to_feature[c]];
  }
  out.noalias() = x * coef;
  out.array() += params_.intercept;
}

double LinearModel::UnscaledFitVariance(absl::Span<const double> row) const {
  // x0' C x0 with x0 = [1, row], written out so the serving path allocates
  // nothing (an Eigen product of dynamic size would make a temporary).
  const Eigen::MatrixXd& c = params_.unscaled_covariance;
  const int k = num_features();
  double v = c(0, 0);
  for (int i = 0; i < k; ++i) {
    double inner = 2 * c(0, i + 1);
    for (int j = 0; j < k; ++j) inner += c(i + 1, j + 1) * row[j];
    v += row[i] * inner;
  }
  // Rounding can push a tiny quadratic form below zero; clamp it.
  return std::max(0.0, v);
}

double LinearModel::TQuantile(double level) const {
  for (size_t i = 0; i < kCachedLevels.size(); ++i) {
    if (level == kCachedLevels[i]) return cached_quantiles_[i];
  }
  return TwoSidedTQuantile(level, params_.residual_df);
}

Interval LinearModel::MakeInterval(absl::Span<const double> row, double level,
                                   bool for_new_observation) const {
  const double fit = Predict(row);
  const double sigma2 = params_.residual_std_error * params_.residual_std_error;
  double var = sigma2 * UnscaledFitVariance(row);
  if (for_new_observation) var += sigma2;
  const double half = TQuantile(level) * std::sqrt(var);
  return Interval{fit - half, fit + half};
}

Interval LinearModel::PredictionInterval(absl::Span<const double> row,
                                         double level) const {
  return MakeInterval(row, level, /*for_new_observation=*/true);
}

Interval LinearModel::ConfidenceInterval(absl::Span<const double> row,
                                         double level) const {
  return MakeInterval(row, level, /*for_new_observation=*/false);
}

void LinearModel::Contributions(absl::Span<const double> row,
                                absl::Span<double> out) const {
  for (int j = 0; j < num_features(); ++j) {
    out[static_cast<size_t>(j)] =
        params_.coefficients[j] *
        (row[static_cast<size_t>(j)] - feature_means_[j]);
  }
}

}  // namespace regserve::model
