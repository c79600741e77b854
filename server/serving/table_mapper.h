// Maps a BatchPredict table (numeric columns and categorical columns, row
// major) onto the model's terms, rejecting anything a caller got wrong with
// a message that names the field, the row and the feature.
#ifndef REGSERVE_SERVER_SERVING_TABLE_MAPPER_H_
#define REGSERVE_SERVER_SERVING_TABLE_MAPPER_H_

#include <cstdint>
#include <vector>

#include "Eigen/Core"
#include "absl/status/statusor.h"
#include "absl/types/span.h"
#include "model/linear_model.h"
#include "regserve/v1/prediction_service.pb.h"
#include "server/metrics/model_metrics.h"

namespace regserve::server {

// How a Table's columns line up with the model's terms.
struct TableLayout {
  std::vector<int> column_to_feature;      // numeric column -> model term
  std::vector<int> categorical_to_factor;  // categorical column -> factor
  // Per categorical cell (row-major, as table.categorical_values): the
  // term its level sets, -1 for a baseline level.
  std::vector<int> level_terms;
  bool in_model_order = false;  // no factor, and column c is term c
  int64_t rows = 0;
};

// Checks a table's shape and names (values a multiple of the columns, the
// same rows in both parts; no duplicate, unknown or missing column, each
// of its kind), that every value is finite and that every level is known
// (an unknown one is counted in `metrics` when not null).
absl::StatusOr<TableLayout> MapTableColumns(
    const model::LinearModel& model, const regserve::v1::Table& table,
    const metrics::ModelMetrics* metrics = nullptr);

// For a model with categorical features: the table as its terms (rows x
// num_features(), model order), levels coded as indicators. `layout` is
// what MapTableColumns returned for `table`.
model::RowMajorMatrix TermMatrix(const model::LinearModel& model,
                                 const regserve::v1::Table& table,
                                 const TableLayout& layout);

// Row `r` of `x`, whose column c is term column_to_feature[c], in model
// order into `row` (num_features() values).
void GatherRow(const Eigen::Ref<const model::RowMajorMatrix>& x,
               absl::Span<const int> column_to_feature, int64_t r,
               absl::Span<double> row);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_TABLE_MAPPER_H_
