#include "server/serving/request_validation.h"

#include "absl/strings/str_cat.h"
#include "server/repository/model_registry.h"

namespace regserve::server {

absl::Status ValidateModelSpec(const regserve::v1::ModelSpec& spec) {
  if (spec.version() < 0) {
    return absl::InvalidArgumentError(absl::StrCat(
        "model_spec.version must be >= 0 (0 = latest), is ", spec.version()));
  }
  return CheckVersionOrLabel(spec.version(), spec.version_label());
}

absl::Status ValidateIntervalLevel(double level) {
  // Written so that NaN fails too.
  if (level == 0 || (level > 0 && level < 1)) return absl::OkStatus();
  return absl::InvalidArgumentError(absl::StrCat(
      "interval_level must be 0 (no interval) or in (0, 1), is ", level));
}

absl::Status ValidateBatchShape(const regserve::v1::BatchPredictRequest& req,
                                int64_t max_rows) {
  const bool has_rows = req.rows_size() > 0;
  const regserve::v1::Table& table = req.table();
  const bool has_table =
      req.has_table() && (table.columns_size() > 0 || table.values_size() > 0 ||
                          table.categorical_columns_size() > 0 ||
                          table.categorical_values_size() > 0);
  if (has_rows && has_table) {
    return absl::InvalidArgumentError("set either rows or table, not both");
  }
  if (!has_rows && !has_table) {
    return absl::InvalidArgumentError("empty batch: no rows and no table");
  }
  int64_t rows = req.rows_size();
  if (has_table && table.columns_size() > 0) {
    rows = table.values_size() / table.columns_size();
  } else if (has_table && table.categorical_columns_size() > 0) {
    rows = table.categorical_values_size() / table.categorical_columns_size();
  }
  if (has_table && rows == 0 && table.values_size() == 0 &&
      table.categorical_values_size() == 0) {
    return absl::InvalidArgumentError("empty batch: table.values is empty");
  }
  if (rows > max_rows) {
    return absl::InvalidArgumentError(absl::StrCat(
        "batch has ", rows, " rows, more than the server's limit of ", max_rows,
        " (--max_batch_rows)"));
  }
  return absl::OkStatus();
}

}  // namespace regserve::server
