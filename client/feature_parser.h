// Turns the feature arguments of `regserve-cli predict` into a map from
// feature name to value: NAME=VALUE assignments or a JSON object.
#ifndef REGSERVE_CLIENT_FEATURE_PARSER_H_
#define REGSERVE_CLIENT_FEATURE_PARSER_H_

#include <map>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace regserve::client {

// Feature name to value, ordered by name.
using FeatureMap = std::map<std::string, double>;

// Parses one "NAME=VALUE" assignment into `features`. Whitespace around the
// name and the value is ignored. Errors (InvalidArgument): no '=', an empty
// name, a value that is not a finite number, a name already in `features`.
absl::Status ParseFeatureAssignment(absl::string_view assignment,
                                    FeatureMap& features);

// Parses every assignment (see ParseFeatureAssignment); the first error wins.
absl::StatusOr<FeatureMap> ParseFeatureAssignments(
    const std::vector<std::string>& assignments);

// Parses a JSON object such as {"CRIM": 0.00632, "ZN": 18} with protobuf's
// JSON parser. Values must be finite numbers; errors are InvalidArgument.
absl::StatusOr<FeatureMap> ParseFeaturesJson(absl::string_view json);

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_FEATURE_PARSER_H_
