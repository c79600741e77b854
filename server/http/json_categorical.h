// The flat JSON object REST callers send, `{"features": {"RM": 6.5,
// "ocean_proximity": "NEAR BAY"}}`, read by the model's feature kinds:
// a JSON string under a categorical feature's name is that feature's level
// (moved to categorical_features); numeric features keep protobuf's JSON
// mapping (numbers, and numeric strings); a categorical feature sent as a
// JSON number stays where it is, so the Predictor refuses it by name.
#ifndef REGSERVE_SERVER_HTTP_JSON_CATEGORICAL_H_
#define REGSERVE_SERVER_HTTP_JSON_CATEGORICAL_H_

#include <optional>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::server::http {

// `body` with the string values of its `features` objects (the request's,
// and each of `rows[i]`) whose names are in `categorical` moved into the
// sibling `categorical_features` object (created if absent). nullopt, for
// `body` as it is, when it is not a JSON object (the real parse says why)
// or when nothing moves. INVALID_ARGUMENT naming the feature when one is
// given both ways.
absl::StatusOr<std::optional<std::string>> MoveCategoricalFeatures(
    absl::string_view body, const std::vector<std::string>& categorical);

// The `model_spec` of a JSON request body that protobuf's parser refused
// (e.g. for a level in `features`), into `spec`; a body without one leaves
// `spec` as it is. False if the body or its model_spec is not valid JSON
// of the message.
bool BodyModelSpec(absl::string_view body, regserve::v1::ModelSpec* spec);

}  // namespace regserve::server::http

#endif  // REGSERVE_SERVER_HTTP_JSON_CATEGORICAL_H_
