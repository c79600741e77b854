// How a model's inputs (what a request sends) map onto its terms (the
// design columns its coefficients multiply): a numeric input is one term; a
// categorical input (a factor) is one 0/1 indicator term per non-baseline
// level, R's treatment contrasts (contr.treatment), so its baseline level
// sets all of them to 0.
#ifndef REGSERVE_MODEL_INPUT_ENCODING_H_
#define REGSERVE_MODEL_INPUT_ENCODING_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/container/flat_hash_map.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "model/factor_design.h"

namespace regserve::model {

// Kind and position of one input.
struct InputRef {
  bool categorical = false;
  int index = 0;  // numeric: its term; categorical: its factor
  int input = 0;  // position in input_names()
};

// Immutable after construction; safe to share between threads. Built from
// parameters that ValidateFactors accepted; owns copies of what it needs.
class InputEncoding {
 public:
  InputEncoding() = default;
  // `input_names` and `factors` as in LinearModelParams: both empty means
  // every term is a numeric input.
  InputEncoding(const std::vector<std::string>& term_names,
                const std::vector<std::string>& input_names,
                const std::vector<Factor>& factors);

  bool has_factors() const { return !factors_.empty(); }
  // Inputs in training-column order.
  const std::vector<std::string>& input_names() const { return input_names_; }
  // The numeric inputs' terms, in term order.
  const std::vector<int>& numeric_terms() const { return numeric_terms_; }
  const std::vector<Factor>& factors() const { return factors_; }
  // The input called `name`, if there is one (terms of factors are not).
  const InputRef* Find(absl::string_view name) const;
  // The term of `level` of factor `f`: -1 for the baseline level, nullopt
  // for a level the model does not know.
  std::optional<int> LevelTerm(int f, absl::string_view level) const;
  // Writes factor `f`'s indicators into `terms` (num terms values): 1 at
  // `level_term` (from LevelTerm), 0 at its other indicators.
  void SetIndicators(int f, int level_term, absl::Span<double> terms) const;
  // Per-input sums of per-term values (e.g. contributions), in
  // input_names() order. `out` holds input_names().size() values.
  void SumByInput(absl::Span<const double> per_term,
                  absl::Span<double> out) const;

 private:
  std::vector<std::string> input_names_;
  std::vector<int> numeric_terms_;
  std::vector<Factor> factors_;
  std::vector<InputRef> inputs_;  // per input_names_ entry
  absl::flat_hash_map<std::string, int> input_index_;
  // Per factor: level -> term (-1 for the baseline).
  std::vector<absl::flat_hash_map<std::string, int>> level_terms_;
};

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_INPUT_ENCODING_H_
