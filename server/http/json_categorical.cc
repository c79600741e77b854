#include "server/http/json_categorical.h"

#include <algorithm>

#include "absl/strings/str_cat.h"
#include "common/echo.h"
#include "common/status_macros.h"
#include "google/protobuf/struct.pb.h"
#include "google/protobuf/util/json_util.h"

namespace regserve::server::http {
namespace {

using google::protobuf::Struct;
using google::protobuf::Value;

// The object `message[name]` or `message[json_name]`, created as
// `json_name` if neither exists.
Struct* ObjectField(Struct* message, const std::string& name,
                    const std::string& json_name) {
  auto& fields = *message->mutable_fields();
  for (const std::string& key : {name, json_name}) {
    auto it = fields.find(key);
    if (it != fields.end() && it->second.has_struct_value()) {
      return it->second.mutable_struct_value();
    }
  }
  return fields[json_name].mutable_struct_value();
}

// Moves the categorical string members of message["features"] (`path`
// names it in errors); whether any moved. INVALID_ARGUMENT for a feature
// that is also in the message's categorical_features.
absl::StatusOr<bool> MoveIn(Struct* message,
                            const std::vector<std::string>& categorical,
                            absl::string_view path) {
  auto& fields = *message->mutable_fields();
  auto features = fields.find("features");
  if (features == fields.end() || !features->second.has_struct_value()) {
    return false;
  }
  auto& members = *features->second.mutable_struct_value()->mutable_fields();
  std::vector<std::string> moving;
  for (const auto& [name, value] : members) {
    if (value.kind_case() == Value::kStringValue &&
        std::find(categorical.begin(), categorical.end(), name) !=
            categorical.end()) {
      moving.push_back(name);
    }
  }
  if (moving.empty()) return false;
  Struct* target =
      ObjectField(message, "categorical_features", "categoricalFeatures");
  for (const std::string& name : moving) {
    if (target->fields().contains(name)) {
      return absl::InvalidArgumentError(absl::StrCat(
          "request body: ", path, "features.", common::Echo(name),
          " is given twice, in features and in categorical_features"));
    }
    (*target->mutable_fields())[name] = members[name];
    members.erase(name);
  }
  return true;
}

}  // namespace

absl::StatusOr<std::optional<std::string>> MoveCategoricalFeatures(
    absl::string_view body, const std::vector<std::string>& categorical) {
  Value root;
  if (categorical.empty() ||
      !google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(body.data(), body.size()), &root)
           .ok() ||
      !root.has_struct_value()) {
    return std::nullopt;
  }
  Struct* request = root.mutable_struct_value();
  ASSIGN_OR_RETURN(bool moved, MoveIn(request, categorical, ""));
  auto rows = request->mutable_fields()->find("rows");
  if (rows != request->mutable_fields()->end() &&
      rows->second.has_list_value()) {
    auto& list = *rows->second.mutable_list_value()->mutable_values();
    for (int r = 0; r < list.size(); ++r) {
      if (!list[r].has_struct_value()) continue;
      ASSIGN_OR_RETURN(bool row_moved,
                       MoveIn(list[r].mutable_struct_value(), categorical,
                              absl::StrCat("rows[", r, "].")));
      moved |= row_moved;
    }
  }
  if (!moved) return std::nullopt;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(root, &json);
  return json;
}

bool BodyModelSpec(absl::string_view body, regserve::v1::ModelSpec* spec) {
  Value root;
  if (!google::protobuf::util::JsonStringToMessage(
           google::protobuf::StringPiece(body.data(), body.size()), &root)
           .ok() ||
      !root.has_struct_value()) {
    return false;
  }
  const auto& fields = root.struct_value().fields();
  for (const char* key : {"model_spec", "modelSpec"}) {
    auto it = fields.find(key);
    if (it == fields.end()) continue;
    std::string json;
    return google::protobuf::util::MessageToJsonString(it->second, &json)
               .ok() &&
           google::protobuf::util::JsonStringToMessage(json, spec).ok();
  }
  return true;
}

}  // namespace regserve::server::http
