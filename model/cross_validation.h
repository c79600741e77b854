// Deterministic k-fold cross-validation of a linear fit.
#ifndef REGSERVE_MODEL_CROSS_VALIDATION_H_
#define REGSERVE_MODEL_CROSS_VALIDATION_H_

#include <cstdint>

#include "absl/status/statusor.h"
#include "model/linear_fit.h"

namespace regserve::model {

// Held-out metrics averaged over folds (as caret and scikit-learn report).
struct CrossValidationResult {
  int folds = 0;
  uint64_t seed = 0;
  double rmse = 0;
  double mae = 0;
  double r_squared = 0;
};

// Shuffles rows with a seeded mt19937_64 Fisher-Yates (the same folds on
// every platform for the same seed), splits them into `folds` near-equal
// folds, fits on all but one and scores the one left out. 2 <= folds <= rows.
absl::StatusOr<CrossValidationResult> CrossValidate(const TrainingSet& set,
                                                    const FitOptions& options,
                                                    int folds, uint64_t seed);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_CROSS_VALIDATION_H_
