#include "model/trainer.h"

#include <optional>
#include <utility>

#include "absl/status/status.h"
#include "absl/time/clock.h"
#include "common/status_macros.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "model/cross_validation.h"
#include "model/dataset.h"
#include "model/linear_fit.h"
#include "model/summary.h"

namespace regserve::model {

absl::StatusOr<TrainerOutcome> TrainAndPublish(const TrainerOptions& options) {
  if (options.data_path.empty() || options.target.empty() ||
      options.model_name.empty()) {
    return absl::InvalidArgumentError(
        "--data, --target and --model_name are required");
  }
  ASSIGN_OR_RETURN(Dataset data, ReadCsvFile(options.data_path));
  ASSIGN_OR_RETURN(TrainingSet set,
                   SelectColumns(data, options.target, options.features,
                                 options.categorical_features));
  const FitOptions fit_options{options.ridge_lambda};
  ASSIGN_OR_RETURN(FitResult fit, FitLinearRegression(set, fit_options));

  std::optional<CrossValidationResult> cv;
  if (options.cv_folds > 0) {
    ASSIGN_OR_RETURN(
        cv, CrossValidate(set, fit_options, options.cv_folds, options.cv_seed));
  }
  int64_t version = options.version;
  if (version == 0) {
    ASSIGN_OR_RETURN(version,
                     NextFreeVersion(options.repository, options.model_name));
  }
  fit.params.name = options.model_name;
  fit.params.version = version;
  const TrainingProvenance provenance{data.source, data.sha256,
                                      options.ridge_lambda, options.cv_folds,
                                      options.cv_seed};
  TrainerOutcome outcome;
  outcome.artifact = BuildArtifact(fit, set, provenance, cv, absl::Now());
  // Round-trip through the serving validation so that the trainer never
  // publishes something the server would refuse.
  RETURN_IF_ERROR(ModelFromArtifact(outcome.artifact).status());
  outcome.summary = FormatSummary(outcome.artifact);
  if (options.publish) {
    ASSIGN_OR_RETURN(outcome.artifact_path,
                     PublishArtifact(options.repository, outcome.artifact));
  }
  return outcome;
}

}  // namespace regserve::model
