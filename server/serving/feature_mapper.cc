#include "server/serving/feature_mapper.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/echo.h"

namespace regserve::server {
namespace {

std::string Prefix(absl::string_view where) {
  return where.empty() ? "" : absl::StrCat(where, ": ");
}

// Names of the features not marked in `seen`, in model order.
std::vector<std::string> Missing(const model::LinearModel& model,
                                 absl::Span<const bool> seen) {
  std::vector<std::string> missing;
  for (int j = 0; j < model.num_features(); ++j) {
    if (!seen[j]) missing.push_back(model.feature_names()[j]);
  }
  return missing;
}

absl::Status NameError(absl::string_view where,
                       const std::vector<std::string>& missing,
                       std::vector<std::string> unknown) {
  std::sort(unknown.begin(), unknown.end());
  std::vector<std::string> parts;
  if (!missing.empty()) {
    parts.push_back(
        absl::StrCat("missing features [", common::EchoList(missing), "]"));
  }
  if (!unknown.empty()) {
    parts.push_back(
        absl::StrCat("unknown features [", common::EchoList(unknown), "]"));
  }
  return absl::InvalidArgumentError(
      absl::StrCat(Prefix(where), absl::StrJoin(parts, "; ")));
}

absl::Status NotFinite(absl::string_view where, absl::string_view feature,
                       double value) {
  return absl::InvalidArgumentError(
      absl::StrCat(Prefix(where), "feature ", common::Echo(feature),
                   " is not a finite number (", value, ")"));
}

}  // namespace

absl::Status MapNamedFeatures(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, double>& features,
    absl::string_view where, absl::Span<double> row) {
  absl::InlinedVector<bool, 32> seen(model.num_features(), false);
  std::vector<std::string> unknown;
  for (const auto& [name, value] : features) {
    std::optional<int> j = model.FeatureIndex(name);
    if (!j) {
      unknown.push_back(name);
      continue;
    }
    if (!std::isfinite(value)) return NotFinite(where, name, value);
    seen[*j] = true;
    row[*j] = value;
  }
  if (unknown.empty() &&
      features.size() == static_cast<size_t>(model.num_features())) {
    return absl::OkStatus();
  }
  return NameError(where, Missing(model, seen), std::move(unknown));
}

absl::StatusOr<TableLayout> MapTableColumns(const model::LinearModel& model,
                                            const regserve::v1::Table& table) {
  const int cols = table.columns_size();
  if (cols == 0) {
    return absl::InvalidArgumentError("table.columns is empty");
  }
  if (table.values_size() % cols != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat("table.values has ", table.values_size(),
                     " values, not a multiple of its ", cols, " columns"));
  }
  TableLayout layout;
  layout.rows = table.values_size() / cols;
  layout.in_model_order = cols == model.num_features();
  absl::InlinedVector<bool, 32> seen(model.num_features(), false);
  std::vector<std::string> unknown;
  for (int c = 0; c < cols; ++c) {
    const std::string& name = table.columns(c);
    std::optional<int> j = model.FeatureIndex(name);
    if (!j) {
      unknown.push_back(name);
      continue;
    }
    if (seen[*j]) {
      return absl::InvalidArgumentError(
          absl::StrCat("table.columns: duplicate column ", common::Echo(name)));
    }
    seen[*j] = true;
    layout.column_to_feature.push_back(*j);
    layout.in_model_order &= *j == c;
  }
  const std::vector<std::string> missing = Missing(model, seen);
  if (!missing.empty() || !unknown.empty()) {
    return NameError("table.columns", missing, std::move(unknown));
  }
  // Scanning all values first is cheap (memory speed) and keeps the error
  // precise: the first bad cell is reported by row and feature.
  const double* values = table.values().data();
  for (int64_t i = 0; i < table.values_size(); ++i) {
    if (!std::isfinite(values[i])) {
      const std::string& feature = table.columns(static_cast<int>(i % cols));
      return NotFinite(absl::StrCat("table row ", i / cols), feature,
                       values[i]);
    }
  }
  return layout;
}

void GatherTableRow(const regserve::v1::Table& table, const TableLayout& layout,
                    int64_t r, absl::Span<double> row) {
  const int cols = table.columns_size();
  const double* src = table.values().data() + r * cols;
  for (int c = 0; c < cols; ++c) row[layout.column_to_feature[c]] = src[c];
}

}  // namespace regserve::server
