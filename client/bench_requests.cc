#include "client/bench_requests.h"

#include "absl/status/status.h"

namespace regserve::client {
namespace {

using Features = std::vector<std::pair<std::string, double>>;

// Row 1 without kBadRequestMissingFeature.
Features BadRowFeatures() {
  Features features;
  for (const auto& feature : BostonRow1Features()) {
    if (feature.first != kBadRequestMissingFeature) features.push_back(feature);
  }
  return features;
}

// batch_input=table: one dense table of `rows` copies of `features`.
void FillTable(int64_t rows, const Features& features, v1::Table& table) {
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

// batch_input=rows: `rows` Row messages, each `features` by name.
void FillRows(int64_t rows, const Features& features,
              v1::BatchPredictRequest& request) {
  v1::Row row;
  for (const auto& [name, value] : features) {
    (*row.mutable_features())[name] = value;
  }
  request.mutable_rows()->Reserve(static_cast<int>(rows));
  for (int64_t r = 0; r < rows; ++r) {
    *request.add_rows() = row;
  }
}

void FillPredict(const BenchOptions& options, const Features& features,
                 v1::PredictRequest& request) {
  request.mutable_model_spec()->set_name(options.model);
  for (const auto& [name, value] : features) {
    (*request.mutable_features())[name] = value;
  }
}

void FillBatch(const BenchOptions& options, const Features& features,
               v1::BatchPredictRequest& request) {
  request.mutable_model_spec()->set_name(options.model);
  if (options.batch_input == "table") {
    FillTable(options.batch_size, features, *request.mutable_table());
  } else {
    FillRows(options.batch_size, features, request);
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
  const bool with_bad = options.bad_fraction > 0;
  if (options.method == "predict") {
    FillPredict(options, BostonRow1Features(), requests.predict);
    if (with_bad) FillPredict(options, BadRowFeatures(), requests.bad_predict);
    return requests;
  }
  requests.rows_per_call = options.batch_size;
  FillBatch(options, BostonRow1Features(), requests.batch);
  if (with_bad) FillBatch(options, BadRowFeatures(), requests.bad_batch);
  return requests;
}

}  // namespace regserve::client
