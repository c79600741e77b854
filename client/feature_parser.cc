#include "client/feature_parser.h"

#include <cmath>
#include <string>

#include "absl/status/status.h"
#include "absl/strings/ascii.h"
#include "absl/strings/numbers.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace regserve::client {
namespace {

using google::protobuf::Value;

absl::Status CheckNew(absl::string_view name, const Features& features) {
  if (name.empty()) {
    return absl::InvalidArgumentError("feature name is empty");
  }
  const std::string key(name);
  if (features.numeric.count(key) > 0 || features.categorical.count(key) > 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", name, "\" is given more than once"));
  }
  return absl::OkStatus();
}

// Adds name -> value unless the name is empty or taken or the value is not
// finite.
absl::Status AddNumber(absl::string_view name, double value,
                       Features& features) {
  RETURN_IF_ERROR(CheckNew(name, features));
  if (!std::isfinite(value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", name, "\": value is not finite"));
  }
  features.numeric.emplace(std::string(name), value);
  return absl::OkStatus();
}

absl::Status AddNumberText(absl::string_view name, absl::string_view text,
                           Features& features) {
  double value = 0;
  if (!absl::SimpleAtod(text, &value)) {
    return absl::InvalidArgumentError(
        absl::StrCat("feature \"", name, "\": \"", text, "\" is not a number"));
  }
  return AddNumber(name, value, features);
}

absl::Status AddLevel(absl::string_view name, absl::string_view level,
                      Features& features) {
  RETURN_IF_ERROR(CheckNew(name, features));
  if (level.empty()) {
    return absl::InvalidArgumentError(
        absl::StrCat("categorical feature \"", name, "\": level is empty"));
  }
  features.categorical.emplace(std::string(name), std::string(level));
  return absl::OkStatus();
}

// One member of a --features_json object.
absl::Status AddJsonMember(const std::string& name, const Value& value,
                           const CategoricalNames& categorical,
                           Features& features) {
  const bool is_categorical = categorical.count(name) > 0;
  if (value.kind_case() == Value::kStringValue) {
    return is_categorical ? AddLevel(name, value.string_value(), features)
                          : AddNumberText(name, value.string_value(), features);
  }
  if (value.kind_case() == Value::kNumberValue && !is_categorical) {
    return AddNumber(name, value.number_value(), features);
  }
  return absl::InvalidArgumentError(absl::StrCat(
      "--features_json: feature \"", name, "\" must be ",
      is_categorical ? "a JSON string (a level of the categorical feature)"
                     : "a JSON number"));
}

}  // namespace

absl::Status ParseFeatureAssignment(absl::string_view assignment,
                                    const CategoricalNames& categorical,
                                    Features& features) {
  const size_t equals = assignment.find('=');
  if (equals == absl::string_view::npos) {
    return absl::InvalidArgumentError(absl::StrCat(
        "feature \"", assignment, "\": expected NAME=VALUE, e.g. CRIM=0.5"));
  }
  const absl::string_view name =
      absl::StripAsciiWhitespace(assignment.substr(0, equals));
  const absl::string_view text =
      absl::StripAsciiWhitespace(assignment.substr(equals + 1));
  if (categorical.count(std::string(name)) > 0) {
    return AddLevel(name, text, features);
  }
  return AddNumberText(name, text, features);
}

absl::StatusOr<Features> ParseFeatureAssignments(
    const std::vector<std::string>& assignments,
    const CategoricalNames& categorical) {
  Features features;
  for (const std::string& assignment : assignments) {
    RETURN_IF_ERROR(ParseFeatureAssignment(assignment, categorical, features));
  }
  return features;
}

absl::StatusOr<Features> ParseFeaturesJson(
    absl::string_view json, const CategoricalNames& categorical) {
  Value object;
  const auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(json.data(), json.size()), &object);
  if (!status.ok() || !object.has_struct_value()) {
    return absl::InvalidArgumentError(absl::StrCat(
        "--features_json is not a JSON object of feature name to value",
        status.ok() ? "" : ": ", std::string(status.message())));
  }
  Features features;
  for (const auto& [name, value] : object.struct_value().fields()) {
    RETURN_IF_ERROR(AddJsonMember(name, value, categorical, features));
  }
  return features;
}

}  // namespace regserve::client
