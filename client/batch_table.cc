#include "client/batch_table.h"

#include <map>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "model/factor_design.h"

namespace regserve::client {
namespace {

// Input name -> whether it is categorical.
std::map<std::string, bool> InputKinds(
    const v1::GetModelMetadataResponse& metadata) {
  std::map<std::string, bool> kinds;
  for (const v1::InputFeature& input : metadata.inputs()) {
    kinds[input.name()] = input.kind() == v1::FEATURE_KIND_CATEGORICAL;
  }
  if (kinds.empty()) {
    for (const std::string& name : metadata.feature_names()) {
      kinds[name] = false;
    }
  }
  return kinds;
}

// The cell (r, c) of `data` as a level.
std::string LevelOf(const model::Dataset& data, Eigen::Index r, int c) {
  return data.IsText(c) ? data.text[static_cast<size_t>(c)][r]
                        : model::NumericLevel(data.values(r, c));
}

}  // namespace

absl::StatusOr<v1::Table> BuildTable(
    const model::Dataset& data, const v1::GetModelMetadataResponse& metadata) {
  const std::map<std::string, bool> kinds = InputKinds(metadata);
  std::vector<std::string> missing;
  for (const auto& [name, categorical] : kinds) {
    if (!data.ColumnIndex(name).has_value()) missing.push_back(name);
  }
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        data.source,
        " lacks model feature(s): ", absl::StrJoin(missing, ", ")));
  }
  std::vector<int> numeric, categorical;  // CSV column indices, CSV order
  v1::Table table;
  for (size_t c = 0; c < data.columns.size(); ++c) {
    auto kind = kinds.find(data.columns[c]);
    if (kind == kinds.end()) continue;
    if (kind->second) {
      categorical.push_back(static_cast<int>(c));
      table.add_categorical_columns(data.columns[c]);
      continue;
    }
    if (data.IsText(static_cast<int>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          data.source, ": column ", data.columns[c], " holds text (e.g. '",
          data.text[c][0], "') but the model's feature ", data.columns[c],
          " is numeric"));
    }
    numeric.push_back(static_cast<int>(c));
    table.add_columns(data.columns[c]);
  }
  const Eigen::Index rows = data.values.rows();
  table.mutable_values()->Reserve(static_cast<int>(rows * numeric.size()));
  for (Eigen::Index r = 0; r < rows; ++r) {
    for (int c : numeric) table.add_values(data.values(r, c));
    for (int c : categorical) table.add_categorical_values(LevelOf(data, r, c));
  }
  return table;
}

}  // namespace regserve::client
