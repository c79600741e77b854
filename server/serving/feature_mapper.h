// Maps request features given by name onto the model's dense
// feature order, rejecting anything a caller got wrong with a message that
// names the field, the features and the row.
#ifndef REGSERVE_SERVER_SERVING_FEATURE_MAPPER_H_
#define REGSERVE_SERVER_SERVING_FEATURE_MAPPER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/map.h"
#include "model/linear_model.h"
#include "regserve/v1/prediction_service.pb.h"
#include "server/metrics/model_metrics.h"

namespace regserve::server {

// Fills `row` (model.num_features() values: the model's terms, in model
// order) from numeric `features` and `categorical` features (levels), each
// input of the model once, in the map that matches its kind. A level is
// coded as the model's indicator terms (treatment contrasts).
// INVALID_ARGUMENT names the first non-finite feature or the first feature
// sent in the map of the other kind; else lists every missing and every
// unknown name; else names the first unknown level (with the known levels,
// capped). `where` ("" or e.g. "rows[3]") prefixes it. Every unknown level
// is counted in `metrics` when it is not null.
absl::Status MapNamedFeatures(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, double>& features,
    const google::protobuf::Map<std::string, std::string>& categorical,
    absl::string_view where, absl::Span<double> row,
    const metrics::ModelMetrics* metrics);

// Counts in `metrics` (if not null) every level in `categorical` that the
// model's categorical feature of that name does not know: for the rows of
// a batch after the one that refused it, which are not mapped.
void CountUnknownLevels(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, std::string>& categorical,
    const metrics::ModelMetrics* metrics);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_FEATURE_MAPPER_H_
