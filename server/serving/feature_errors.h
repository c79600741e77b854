// The INVALID_ARGUMENT statuses a request's features earn, worded once for
// every path (named features, rows, tables) so that a caller sees the same
// message for the same mistake. Every echo of caller text is capped.
#ifndef REGSERVE_SERVER_SERVING_FEATURE_ERRORS_H_
#define REGSERVE_SERVER_SERVING_FEATURE_ERRORS_H_

#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/string_view.h"
#include "model/linear_model.h"
#include "server/metrics/model_metrics.h"

namespace regserve::server {

// "where: " or "" for an empty `where`.
std::string Prefix(absl::string_view where);

// Lists the `missing` inputs and the `unknown` names (sorted here).
absl::Status NameError(absl::string_view where,
                       const std::vector<std::string>& missing,
                       std::vector<std::string> unknown);

// Feature `feature` is NaN or infinite.
absl::Status NotFinite(absl::string_view where, absl::string_view feature,
                       double value);

// Feature `name` was sent in `field`, but it is of the other kind
// (`is_categorical` says which it is) and belongs in `right_field`.
absl::Status WrongKind(absl::string_view where, absl::string_view field,
                       absl::string_view name, bool is_categorical,
                       absl::string_view right_field);

// `level` is not a level of the model's categorical feature `f`: names
// the feature, the level and the known levels (capped); counted in
// `metrics` when not null, though the call is refused.
absl::Status UnknownLevel(const model::LinearModel& model, int f,
                          absl::string_view where, absl::string_view level,
                          const metrics::ModelMetrics* metrics);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_FEATURE_ERRORS_H_
