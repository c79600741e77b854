// Turns the feature arguments of `regserve-cli predict` into the request's
// numeric and categorical features: NAME=VALUE assignments or a JSON
// object, read by the model's feature kinds.
#ifndef REGSERVE_CLIENT_FEATURE_PARSER_H_
#define REGSERVE_CLIENT_FEATURE_PARSER_H_

#include <map>
#include <set>
#include <string>
#include <vector>

#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"

namespace regserve::client {

// Feature name to value, ordered by name.
using FeatureMap = std::map<std::string, double>;

// A predict call's features by kind.
struct Features {
  FeatureMap numeric;                              // name -> number
  std::map<std::string, std::string> categorical;  // name -> level
};

// Names of the model's categorical features (GetModelMetadata's inputs of
// kind categorical); empty for a model with numeric features only.
using CategoricalNames = std::set<std::string>;

// Parses one "NAME=VALUE" assignment into `features`: a level for a name
// in `categorical`, else a number. Whitespace around the name and the
// value is ignored. Errors (InvalidArgument): no '=', an empty name, a
// numeric feature's value that is not a finite number, an empty level, a
// name already given.
absl::Status ParseFeatureAssignment(absl::string_view assignment,
                                    const CategoricalNames& categorical,
                                    Features& features);

// Parses every assignment (see ParseFeatureAssignment); the first error wins.
absl::StatusOr<Features> ParseFeatureAssignments(
    const std::vector<std::string>& assignments,
    const CategoricalNames& categorical = {});

// Parses a JSON object such as {"CRIM": 0.00632, "ocean": "NEAR BAY"} as
// the JSON gateway reads `features`: numeric features take JSON numbers
// (or numeric strings) that are finite; categorical features (names in
// `categorical`) take JSON strings only. Errors are InvalidArgument.
absl::StatusOr<Features> ParseFeaturesJson(
    absl::string_view json, const CategoricalNames& categorical = {});

}  // namespace regserve::client

#endif  // REGSERVE_CLIENT_FEATURE_PARSER_H_
