// Factors (categorical columns) in a linear model's design, coded as R's lm
// codes them by default: treatment contrasts (contr.treatment), the first
// level the baseline, one 0/1 indicator column per other level, named as R
// names the coefficient (column name followed by the level).
#ifndef REGSERVE_MODEL_FACTOR_DESIGN_H_
#define REGSERVE_MODEL_FACTOR_DESIGN_H_

#include <cstdint>
#include <string>
#include <vector>

#include "Eigen/Dense"
#include "absl/status/statusor.h"

namespace regserve::model {

// One factor of a design. Plain value type.
struct Factor {
  std::string name;                 // the input (CSV column) it codes
  std::vector<std::string> levels;  // R's order; levels[0] is the baseline
  std::vector<int64_t> counts;      // training rows per level
  // For levels[1..]: the index of the level's indicator in the design's
  // columns (and the model's coefficients).
  std::vector<int> term_indices;
};

// The levels of `cells` in R's order: for text, sorted in byte order (R's
// sort() in the C locale); for numbers forced to a factor (`numeric`),
// sorted numerically and printed with up to 15 significant digits, as R's
// factor() on a numeric vector does.
std::vector<std::string> FactorLevels(const std::vector<std::string>& cells,
                                      bool numeric);

// A number as a factor level: "%.15g" ("4", "0.5", "1e-20").
std::string NumericLevel(double value);

// The indicator columns of `cells` for `levels` (all but the first), one
// per level, 1 where the cell is that level. INVALID_ARGUMENT, naming
// `name`, for fewer than two levels (R: "contrasts can be applied only to
// factors with 2 or more levels").
absl::StatusOr<Eigen::MatrixXd> TreatmentColumns(
    const std::string& name, const std::vector<std::string>& cells,
    const std::vector<std::string>& levels);

// Checks that `factors` and `input_names` describe `term_names`: each
// factor has 2+ unique levels, a count per level and, per non-baseline
// level, the index of a term named <name><level>; the inputs are the
// factors and the other terms (numeric features), each once, and every
// term belongs to exactly one input. Both empty is valid (no factors).
// INVALID_ARGUMENT naming the first problem.
absl::Status ValidateFactors(const std::vector<Factor>& factors,
                             const std::vector<std::string>& input_names,
                             const std::vector<std::string>& term_names);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_FACTOR_DESIGN_H_
