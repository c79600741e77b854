// Maps request features, by name or as a table, onto the model's dense
// feature order, rejecting anything a caller got wrong with a message that
// names the field, the features and the row.
#ifndef REGSERVE_SERVER_SERVING_FEATURE_MAPPER_H_
#define REGSERVE_SERVER_SERVING_FEATURE_MAPPER_H_

#include <cstdint>
#include <string>
#include <vector>

#include "absl/status/status.h"
#include "absl/status/statusor.h"
#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "google/protobuf/map.h"
#include "model/linear_model.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::server {

// Fills `row` (model.num_features() values, model order) from `features`.
// INVALID_ARGUMENT lists every missing and every unknown name, or names the
// first non-finite feature; `where` ("" or e.g. "rows[3]") prefixes it.
absl::Status MapNamedFeatures(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, double>& features,
    absl::string_view where, absl::Span<double> row);

// How a Table's columns line up with the model's features.
struct TableLayout {
  std::vector<int> column_to_feature;  // table column -> model feature index
  bool in_model_order = false;         // column c is feature c for every c
  int64_t rows = 0;
};

// Checks a table's shape and names (values a multiple of the columns; no
// duplicate, unknown or missing column) and that every value is finite.
absl::StatusOr<TableLayout> MapTableColumns(const model::LinearModel& model,
                                            const regserve::v1::Table& table);

// Row `r` of `table` in model order, into `row` (num_features() values).
void GatherTableRow(const regserve::v1::Table& table, const TableLayout& layout,
                    int64_t r, absl::Span<double> row);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_SERVING_FEATURE_MAPPER_H_
