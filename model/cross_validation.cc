#include "model/cross_validation.h"

#include <cmath>
#include <numeric>
#include <random>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"

namespace regserve::model {
namespace {

// std::shuffle's algorithm is unspecified; this one is fixed, so fold
// membership is reproducible across standard libraries.
std::vector<Eigen::Index> ShuffledRows(Eigen::Index n, uint64_t seed) {
  std::vector<Eigen::Index> order(static_cast<size_t>(n));
  std::iota(order.begin(), order.end(), 0);
  std::mt19937_64 rng(seed);
  for (size_t i = order.size() - 1; i > 0; --i) {
    std::swap(order[i], order[rng() % (i + 1)]);
  }
  return order;
}

// Rows `rows` and columns `columns` of `set` (no factor bookkeeping).
TrainingSet Subset(const TrainingSet& set,
                   const std::vector<Eigen::Index>& rows,
                   const std::vector<Eigen::Index>& columns) {
  TrainingSet out;
  for (Eigen::Index c : columns) {
    out.feature_names.push_back(set.feature_names[static_cast<size_t>(c)]);
  }
  out.target_name = set.target_name;
  out.x = set.x(rows, columns);
  out.y = set.y(rows);
  return out;
}

// The columns a fold is fitted on: all but the indicators of factor levels
// absent from the fold's training rows (their column is all zeros there).
// Such a level then predicts as the baseline, as with its coefficient
// fixed at 0: the usual choice when a level is unseen in training. When the
// baseline level itself is absent, the indicators left would sum to the
// intercept's column, so the first level present becomes the fold's
// baseline (its indicator is dropped too).
std::vector<Eigen::Index> FoldColumns(const TrainingSet& set,
                                      const std::vector<Eigen::Index>& train) {
  std::vector<bool> dropped(static_cast<size_t>(set.x.cols()), false);
  for (const Factor& factor : set.factors) {
    int first_present = -1;
    for (int term : factor.term_indices) {
      const bool absent = set.x(train, term).cwiseAbs().maxCoeff() == 0;
      dropped[static_cast<size_t>(term)] = absent;
      if (!absent && first_present < 0) first_present = term;
    }
    Eigen::VectorXd in_some_level =
        Eigen::VectorXd::Zero(static_cast<Eigen::Index>(train.size()));
    for (int term : factor.term_indices) in_some_level += set.x(train, term);
    const bool baseline_absent = in_some_level.minCoeff() > 0;
    if (baseline_absent && first_present >= 0) {
      dropped[static_cast<size_t>(first_present)] = true;
    }
  }
  std::vector<Eigen::Index> columns;
  for (Eigen::Index c = 0; c < set.x.cols(); ++c) {
    if (!dropped[static_cast<size_t>(c)]) columns.push_back(c);
  }
  return columns;
}

}  // namespace

absl::StatusOr<CrossValidationResult> CrossValidate(const TrainingSet& set,
                                                    const FitOptions& options,
                                                    int folds, uint64_t seed) {
  const Eigen::Index n = set.x.rows();
  if (folds < 2 || folds > n) {
    return absl::InvalidArgumentError(
        absl::StrCat("cv folds must be in [2, ", n, "], is ", folds));
  }
  const std::vector<Eigen::Index> order = ShuffledRows(n, seed);
  CrossValidationResult result{folds, seed, 0, 0, 0};
  for (int f = 0; f < folds; ++f) {
    std::vector<Eigen::Index> train, test;
    for (size_t i = 0; i < order.size(); ++i) {
      (static_cast<int>(i % static_cast<size_t>(folds)) == f ? test : train)
          .push_back(order[i]);
    }
    const std::vector<Eigen::Index> columns = FoldColumns(set, train);
    ASSIGN_OR_RETURN(FitResult fit,
                     FitLinearRegression(Subset(set, train, columns), options));
    const TrainingSet held_out = Subset(set, test, columns);
    const Eigen::VectorXd pred =
        (held_out.x * fit.params.coefficients).array() + fit.params.intercept;
    const Eigen::ArrayXd err = (held_out.y - pred).array();
    const double tss = (held_out.y.array() - held_out.y.mean()).square().sum();
    result.rmse += std::sqrt(err.square().mean());
    result.mae += err.abs().mean();
    result.r_squared += 1 - err.square().sum() / tss;
  }
  result.rmse /= folds;
  result.mae /= folds;
  result.r_squared /= folds;
  return result;
}

}  // namespace regserve::model
