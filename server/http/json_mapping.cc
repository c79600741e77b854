#include "server/http/json_mapping.h"

#include <algorithm>
#include <optional>

#include "absl/strings/ascii.h"
#include "absl/strings/str_cat.h"
#include "common/echo.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace regserve::server::http {
namespace {

using google::protobuf::Value;

// The path of the first null in `value` ("features.RM", "rows[2].features.B",
// "table.values[7]"), or nullopt.
std::optional<std::string> FirstNull(const Value& value,
                                     const std::string& path) {
  switch (value.kind_case()) {
    case Value::kNullValue:
      return path.empty() ? std::string("the body") : path;
    case Value::kStructValue:
      for (const auto& [key, field] : value.struct_value().fields()) {
        auto found = FirstNull(field, path.empty() ? key : path + "." + key);
        if (found) return found;
      }
      return std::nullopt;
    case Value::kListValue: {
      const auto& items = value.list_value().values();
      for (int i = 0; i < items.size(); ++i) {
        auto found = FirstNull(items[i], absl::StrCat(path, "[", i, "]"));
        if (found) return found;
      }
      return std::nullopt;
    }
    default:
      return std::nullopt;
  }
}

absl::Status RefuseNulls(absl::string_view body) {
  // Most bodies hold no "null" at all: only those are parsed twice.
  if (body.find("null") == absl::string_view::npos) return absl::OkStatus();
  Value value;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(body.data(), body.size()), &value)
           .ok()) {
    return absl::OkStatus();  // not JSON: the real parse says why
  }
  const std::optional<std::string> path = FirstNull(value, "");
  if (!path) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "request body: ", common::Echo(*path),
      " is null; JSON null is not a value here: send the value, or leave "
      "the field out where it is optional"));
}

std::string Print(const google::protobuf::Message& message, bool all_fields) {
  google::protobuf::util::JsonPrintOptions options;
  options.always_print_primitive_fields = all_fields;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(message, &json, options);
  return json;
}

// Inserts `"name":value,` as the first member of the JSON object `json`.
void PrependMember(absl::string_view name, absl::string_view value,
                   std::string& json) {
  const bool empty = json == "{}";
  json.insert(1, absl::StrCat("\"", name, "\":", value, empty ? "" : ","));
}

}  // namespace

absl::Status ParseJsonBody(absl::string_view body,
                           google::protobuf::Message* out) {
  if (absl::Status nulls = RefuseNulls(body); !nulls.ok()) return nulls;
  auto status = google::protobuf::util::JsonStringToMessage(
      google::protobuf::StringPiece(body.data(), body.size()), out);
  if (status.ok()) return absl::OkStatus();
  // Protobuf's message may span lines (a caret under the column).
  std::string message = status.message().as_string();
  std::replace(message.begin(), message.end(), '\n', ' ');
  return absl::InvalidArgumentError(
      absl::StrCat("request body is not a valid ", out->GetDescriptor()->name(),
                   " in JSON: ",
                   // Protobuf's own text, which may quote the body: longer
                   // than a name, still bounded.
                   common::Echo(absl::StripAsciiWhitespace(message), 256)));
}

std::string PrintAllFields(const google::protobuf::Message& message) {
  return Print(message, /*all_fields=*/true);
}

std::string PrintPredictResponse(const regserve::v1::PredictResponse& response,
                                 bool explained) {
  std::string json = Print(response, /*all_fields=*/false);
  if (explained && response.baseline() == 0) {
    PrependMember("baseline", "0", json);
  }
  if (response.prediction() == 0) PrependMember("prediction", "0", json);
  return json;
}

std::string PrintBatchPredictResponse(
    const regserve::v1::BatchPredictResponse& response) {
  return Print(response, /*all_fields=*/false);
}

}  // namespace regserve::server::http
