#include "client/batch_table.h"

#include <algorithm>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"

namespace regserve::client {
namespace {

// Names in `feature_names` that are not columns of `data`.
std::vector<std::string> MissingFeatures(
    const model::Dataset& data, const std::vector<std::string>& feature_names) {
  std::vector<std::string> missing;
  for (const std::string& name : feature_names) {
    if (!data.ColumnIndex(name).has_value()) {
      missing.push_back(name);
    }
  }
  return missing;
}

}  // namespace

absl::StatusOr<v1::Table> BuildTable(
    const model::Dataset& data, const std::vector<std::string>& feature_names) {
  const std::vector<std::string> missing = MissingFeatures(data, feature_names);
  if (!missing.empty()) {
    return absl::InvalidArgumentError(absl::StrCat(
        data.source,
        " lacks model feature(s): ", absl::StrJoin(missing, ", ")));
  }
  std::vector<int> kept;  // CSV column indices, in CSV order
  v1::Table table;
  for (size_t c = 0; c < data.columns.size(); ++c) {
    if (std::find(feature_names.begin(), feature_names.end(),
                  data.columns[c]) == feature_names.end()) {
      continue;
    }
    if (data.IsText(static_cast<int>(c))) {
      return absl::InvalidArgumentError(absl::StrCat(
          data.source, ": column ", data.columns[c], " holds text (e.g. '",
          data.text[c][0], "') but the model's feature ", data.columns[c],
          " is numeric"));
    }
    kept.push_back(static_cast<int>(c));
    table.add_columns(data.columns[c]);
  }
  table.mutable_values()->Reserve(
      static_cast<int>(data.values.rows() * kept.size()));
  for (Eigen::Index r = 0; r < data.values.rows(); ++r) {
    for (int c : kept) {
      table.add_values(data.values(r, c));
    }
  }
  return table;
}

}  // namespace regserve::client
