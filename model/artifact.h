// Conversion between fitted models and the model artifact
// (regserve.model.v1.LinearModel), and its JSON form.
#ifndef REGSERVE_MODEL_ARTIFACT_H_
#define REGSERVE_MODEL_ARTIFACT_H_

#include <optional>
#include <string>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/time/time.h"
#include "model/cross_validation.h"
#include "model/linear_fit.h"
#include "model/linear_model.h"
#include "regserve/model/v1/linear_model.pb.h"

namespace regserve::model {

// The artifact schema versions this build writes and reads: 1, and 2 for a
// model with categorical features (which a reader of 1 alone must refuse).
inline constexpr int kArtifactFormatVersion = 1;
inline constexpr int kCategoricalFormatVersion = 2;
// How many training rows are stored for warm-up checks.
inline constexpr int kSampleRows = 5;

// Where the training data came from and how the trainer ran.
struct TrainingProvenance {
  std::string source;  // CSV path
  std::string sha256;  // of the CSV bytes
  double ridge_lambda = 0;
  int cv_folds = 0;
  uint64_t cv_seed = 0;
};

// Builds the artifact for `fit` (whose params carry name and version),
// storing the first kSampleRows rows of `set` with their predictions.
regserve::model::v1::LinearModel BuildArtifact(
    const FitResult& fit, const TrainingSet& set,
    const TrainingProvenance& provenance,
    const std::optional<CrossValidationResult>& cv, absl::Time created);

// Validates an artifact completely (format version, dimensions, finite
// numbers, unique names, positive version, and that the stored samples
// predict to their stored values) and builds the serving model. The first
// problem found is returned as INVALID_ARGUMENT.
absl::StatusOr<LinearModel> ModelFromArtifact(
    const regserve::model::v1::LinearModel& artifact);

// Parses artifact JSON; `source` (a path) prefixes error messages.
absl::StatusOr<regserve::model::v1::LinearModel> ParseArtifactJson(
    absl::string_view json, absl::string_view source);

// Pretty-printed JSON with the proto field names, one field per line.
std::string ArtifactToJson(const regserve::model::v1::LinearModel& artifact);

}  // namespace regserve::model

#endif  // REGSERVE_MODEL_ARTIFACT_H_
