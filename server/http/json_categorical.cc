#include "server/http/json_categorical.h"

#include <algorithm>

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

// Moves the categorical string members of message["features"]; whether
// any moved.
bool MoveIn(Struct* message, const std::vector<std::string>& categorical) {
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
    (*target->mutable_fields())[name] = members[name];
    members.erase(name);
  }
  return true;
}

}  // namespace

std::optional<std::string> MoveCategoricalFeatures(
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
  bool moved = MoveIn(request, categorical);
  auto rows = request->mutable_fields()->find("rows");
  if (rows != request->mutable_fields()->end() &&
      rows->second.has_list_value()) {
    for (Value& row : *rows->second.mutable_list_value()->mutable_values()) {
      if (row.has_struct_value()) {
        moved |= MoveIn(row.mutable_struct_value(), categorical);
      }
    }
  }
  if (!moved) return std::nullopt;
  std::string json;
  (void)google::protobuf::util::MessageToJsonString(root, &json);
  return json;
}

}  // namespace regserve::server::http
