#include "client/bench_requests.h"

#include "absl/status/status.h"

namespace regserve::client {
namespace {

// batch_input=table: one dense table of batch_size copies of row 1.
void FillTable(int64_t rows, v1::Table& table) {
  const auto& features = BostonRow1Features();
  for (const auto& [name, value] : features) {
    table.add_columns(name);
  }
  table.mutable_values()->Reserve(static_cast<int>(rows * features.size()));
  for (int64_t r = 0; r < rows; ++r) {
    for (const auto& [name, value] : features) {
      table.add_values(value);
    }
  }
}

// batch_input=rows: batch_size Row messages, each row 1 by name.
void FillRows(int64_t rows, v1::BatchPredictRequest& request) {
  v1::Row row;
  for (const auto& [name, value] : BostonRow1Features()) {
    (*row.mutable_features())[name] = value;
  }
  request.mutable_rows()->Reserve(static_cast<int>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    *request.add_rows() = row;
  }
}

}  // namespace

const std::vector<std::pair<std::string, double>>& BostonRow1Features() {
  static const auto* const kRow =
      new std::vector<std::pair<std::string, double>>{
          {"CRIM", 0.00632}, {"ZN", 18},    {"INDUS", 2.31},   {"CHAS", 0},
          {"NOX", 0.538},    {"RM", 6.575}, {"AGE", 65.2},     {"DIS", 4.09},
          {"RAD", 1},        {"TAX", 296},  {"PTRATIO", 15.3}, {"B", 396.9},
          {"LSTAT", 4.98}};
  return *kRow;
}

absl::StatusOr<BenchRequests> BuildBenchRequests(const BenchOptions& options) {
  const absl::Status valid = ValidateBenchOptions(options);
  if (!valid.ok()) return valid;
  BenchRequests requests;
  if (options.method == "predict") {
    requests.predict.mutable_model_spec()->set_name(options.model);
    for (const auto& [name, value] : BostonRow1Features()) {
      (*requests.predict.mutable_features())[name] = value;
    }
    return requests;
  }
  requests.batch.mutable_model_spec()->set_name(options.model);
  requests.rows_per_call = options.batch_size;
  if (options.batch_input == "table") {
    FillTable(options.batch_size, *requests.batch.mutable_table());
  } else {
    FillRows(options.batch_size, requests.batch);
  }
  return requests;
}

}  // namespace regserve::client
