// regserve-train's work, as a library: read a CSV, fit, cross-validate,
// build the artifact and publish it into a model repository.
#ifndef REGSERVE_MODEL_TRAINER_H_
#define REGSERVE_MODEL_TRAINER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "regserve/model/v1/linear_model.pb.h"

namespace regserve::model {

// What to train and where to publish it. Defaults match regserve-train's.
struct TrainerOptions {
  std::string data_path;              // CSV with a header row (required)
  std::string target;                 // target column (required)
  std::vector<std::string> features;  // empty: every other column
  // Numeric features to code as factors (text columns always are).
  std::vector<std::string> categorical_features;
  std::string model_name;             // required
  std::string repository = "models";  // model repository root
  int64_t version = 0;                // 0: next free version
  double ridge_lambda = 0;            // 0: OLS
  int cv_folds = 10;                  // 0: no cross-validation
  uint64_t cv_seed = 42;              // fold shuffle seed
  bool publish = true;                // false: fit and summarize only
};

struct TrainerOutcome {
  regserve::model::v1::LinearModel artifact;
  std::string summary;        // FormatSummary(artifact)
  std::string artifact_path;  // empty when not published
};

// Runs the whole pipeline; the first failure is returned with its context.
absl::StatusOr<TrainerOutcome> TrainAndPublish(const TrainerOptions& options);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_TRAINER_H_
