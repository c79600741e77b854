// Checks on request fields that do not depend on the model: version sign,
// interval level, batch shape and size. Each error names the field or limit.
#ifndef REGSERVE_SERVER_SERVING_REQUEST_VALIDATION_H_
#define REGSERVE_SERVER_SERVING_REQUEST_VALIDATION_H_

#include <cstdint>

#include "absl/status/status.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::server {

// model_spec.version must be >= 0.
absl::Status ValidateModelSpec(const regserve::v1::ModelSpec& spec);

// interval_level must be 0 (none) or in (0, 1), and not NaN.
absl::Status ValidateIntervalLevel(double level);

// Exactly one of rows and table, at least one row, at most `max_rows` rows.
absl::Status ValidateBatchShape(const regserve::v1::BatchPredictRequest& req,
                                int64_t max_rows);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_REQUEST_VALIDATION_H_
