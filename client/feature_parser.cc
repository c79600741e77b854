#include "client/feature_parser.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/util/json_util.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::client {
namespace {

// Adds name -> value unless the name is empty or taken or the value is not
// finite.
absl::Status AddFeature(absl::string_view name, double value,
                        FeatureMap& features) {
  if (name.empty()) {
    return absl::InvalidArgumentError("feature name is empty");
  }
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", name, "\": value is not finite"));
  }
  if (!features.emplace(std::string(name), value).second) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", name, "\" is given more than once"));
  }
  return absl::OkStatus();
}

}  // namespace

absl::Status ParseFeatureAssignment(absl::string_view assignment,
                                    FeatureMap& features) {
  const size_t equals = assignment.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "feature \"", assignment, "\": expected NAME=VALUE, e.g. CRIM=0.5"));
  }
  const absl::string_view name =
      absl::StripAsciiWhitespace(assignment.substr(0, equals));
  const absl::string_view text =
      absl::StripAsciiWhitespace(assignment.substr(equals + 1));
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", name, "\": \"", text, "\" is not a number"));
  }
  return AddFeature(name, value, features);
}

absl::StatusOr<FeatureMap> ParseFeatureAssignments(
    const std::vector<std::string>& assignments) {
  FeatureMap features;
  for (const std::string& assignment : assignments) {
    RETURN_IF_ERROR(ParseFeatureAssignment(assignment, features));
  }
  return features;
}

absl::StatusOr<FeatureMap> ParseFeaturesJson(absl::string_view json) {
  // Parse as the `features` map of a PredictRequest so that protobuf does
  // the JSON work.
  const std::string wrapped = absl::StrCat("{\"features\": ", json, "}");
  v1::PredictRequest request;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(wrapped.data(), wrapped.size()), &request);
  if (!status.ok()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--features_json is not a JSON object of feature name to number: ",
        std::string(status.message())));
  }
  FeatureMap features;
  for (const auto& [name, value] : request.features()) {
    RETURN_IF_ERROR(AddFeature(name, value, features));
  }
  return features;
}

}  // namespace regserve::client
