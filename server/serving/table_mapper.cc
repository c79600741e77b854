#include "server/serving/table_mapper.h"

#include <cmath>
#include <optional>
#include <string>

#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/echo.h"
#include "common/status_macros.h"
#include "server/serving/feature_errors.h"

namespace regserve::server {
namespace {

using Seen = absl::InlinedVector<bool, 32>;

// Rows of one part of a table (`count` cells over `cols` columns).
absl::StatusOr<int64_t> PartRows(absl::string_view field, int count, int cols,
                                 absl::string_view columns_field) {
  if (cols == 0) {
    if (count == 0) return 0;
    return absl::InvalidArgumentError(absl::StrCat(
        field, " has ", count, " values but ", columns_field, " is empty"));
  }
  if (count % cols != 0) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, " has ", count, " values, not a multiple of its ",
                     cols, " columns"));
  }
  return count / cols;
}

absl::StatusOr<int64_t> TableRows(const regserve::v1::Table& table) {
  if (table.columns_size() == 0 && table.categorical_columns_size() == 0) {
    return absl::InvalidArgumentError("table.columns is empty");
  }
  ASSIGN_OR_RETURN(int64_t rows,
                   PartRows("table.values", table.values_size(),
                            table.columns_size(), "table.columns"));
  ASSIGN_OR_RETURN(
      int64_t categorical_rows,
      PartRows("table.categorical_values", table.categorical_values_size(),
               table.categorical_columns_size(), "table.categorical_columns"));
  if (table.columns_size() > 0 && table.categorical_columns_size() > 0 &&
      rows != categorical_rows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "table.values has ", rows, " rows but table.categorical_values has ",
        categorical_rows));
  }
  return table.columns_size() > 0 ? rows : categorical_rows;
}

// Marks the input `name` of column `field` seen; `categorical` is the kind
// the field holds. Appends unknown names to `unknown`.
absl::StatusOr<const model::InputRef*> ColumnInput(
    const model::LinearModel& model, const std::string& name, bool categorical,
    Seen& seen, std::vector<std::string>& unknown) {
  const char* field =
      categorical ? "table.categorical_columns" : "table.columns";
  const model::InputRef* ref = model.inputs().Find(name);
  if (ref == nullptr) {
    unknown.push_back(name);
    return nullptr;
  }
  if (ref->categorical != categorical) {
    return WrongKind(
        "", field, name, ref->categorical,
        ref->categorical ? "table.categorical_columns" : "table.columns");
  }
  if (seen[ref->input]) {
    return absl::InvalidArgumentError(
        absl::StrCat(field, ": duplicate column ", common::Echo(name)));
  }
  seen[ref->input] = true;
  return ref;
}

absl::Status MapColumns(const model::LinearModel& model,
                        const regserve::v1::Table& table, TableLayout& layout) {
  const model::InputEncoding& inputs = model.inputs();
  Seen seen(inputs.input_names().size(), false);
  // Unknown names, and then missing inputs, per field: [0] numeric
  // (table.columns), [1] categorical (table.categorical_columns).
  std::vector<std::string> unknown[2], missing[2];
  for (int c = 0; c < table.columns_size(); ++c) {
    ASSIGN_OR_RETURN(
        const model::InputRef* ref,
        ColumnInput(model, table.columns(c), false, seen, unknown[0]));
    if (ref == nullptr) continue;
    layout.column_to_feature.push_back(ref->index);
    layout.in_model_order &= ref->index == c;
  }
  for (const std::string& name : table.categorical_columns()) {
    ASSIGN_OR_RETURN(const model::InputRef* ref,
                     ColumnInput(model, name, true, seen, unknown[1]));
    if (ref != nullptr) layout.categorical_to_factor.push_back(ref->index);
  }
  for (size_t i = 0; i < seen.size(); ++i) {
    if (seen[i]) continue;
    const std::string& name = inputs.input_names()[i];
    missing[inputs.Find(name)->categorical ? 1 : 0].push_back(name);
  }
  std::vector<std::string> parts;
  const char* fields[] = {"table.columns", "table.categorical_columns"};
  for (int k = 0; k < 2; ++k) {
    if (missing[k].empty() && unknown[k].empty()) continue;
    parts.emplace_back(
        NameError(fields[k], missing[k], std::move(unknown[k])).message());
  }
  if (parts.empty()) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrJoin(parts, "; "));
}

// Scanning every cell first is cheap (memory speed) and keeps the error
// precise: the first bad cell is reported by row and feature.
absl::Status CheckCells(const model::LinearModel& model,
                        const regserve::v1::Table& table, TableLayout& layout,
                        const metrics::ModelMetrics* metrics) {
  const int cols = table.columns_size();
  const double* values = table.values().data();
  for (int64_t i = 0; i < table.values_size(); ++i) {
    if (std::isfinite(values[i])) continue;
    return NotFinite(absl::StrCat("table row ", i / cols),
                     table.columns(static_cast<int>(i % cols)), values[i]);
  }
  const int ccols = table.categorical_columns_size();
  layout.level_terms.reserve(table.categorical_values_size());
  absl::Status level_error;
  for (int64_t i = 0; i < table.categorical_values_size(); ++i) {
    const int f = layout.categorical_to_factor[i % ccols];
    const std::string& level = table.categorical_values(static_cast<int>(i));
    const std::optional<int> term = model.inputs().LevelTerm(f, level);
    if (term) {
      layout.level_terms.push_back(*term);
      continue;
    }
    // Every unknown cell is counted; the first is reported.
    absl::Status refused = UnknownLevel(
        model, f, absl::StrCat("table row ", i / ccols), level, metrics);
    if (level_error.ok()) level_error = refused;
  }
  return level_error;
}

}  // namespace

absl::StatusOr<TableLayout> MapTableColumns(
    const model::LinearModel& model, const regserve::v1::Table& table,
    const metrics::ModelMetrics* metrics) {
  TableLayout layout;
  ASSIGN_OR_RETURN(layout.rows, TableRows(table));
  layout.in_model_order = !model.inputs().has_factors() &&
                          table.columns_size() == model.num_features();
  RETURN_IF_ERROR(MapColumns(model, table, layout));
  RETURN_IF_ERROR(CheckCells(model, table, layout, metrics));
  return layout;
}

model::RowMajorMatrix TermMatrix(const model::LinearModel& model,
                                 const regserve::v1::Table& table,
                                 const TableLayout& layout) {
  model::RowMajorMatrix terms =
      model::RowMajorMatrix::Zero(layout.rows, model.num_features());
  const int cols = table.columns_size();
  const int ccols = table.categorical_columns_size();
  const double* values = table.values().data();
  const int* level_terms = layout.level_terms.data();
  for (int64_t r = 0; r < layout.rows; ++r) {
    for (int c = 0; c < cols; ++c) {
      terms(r, layout.column_to_feature[c]) = values[r * cols + c];
    }
    for (int c = 0; c < ccols; ++c) {
      const int term = level_terms[r * ccols + c];
      if (term >= 0) terms(r, term) = 1;
    }
  }
  return terms;
}

void GatherRow(const Eigen::Ref<const model::RowMajorMatrix>& x,
               absl::Span<const int> column_to_feature, int64_t r,
               absl::Span<double> row) {
  for (Eigen::Index c = 0; c < x.cols(); ++c) {
    row[column_to_feature[c]] = x(r, c);
  }
}

}  // namespace regserve::server
