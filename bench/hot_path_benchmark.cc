// Micro-benchmarks of regserve's serving path without the network: parse
// the request bytes, map features to a dense row, predict (1 and 10 000
// rows), and fill the response, alone and end to end through Predictor.
#include <string>

#include "benchmark/benchmark.h"
#include "google/protobuf/arena.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "prometheus/histogram.h"
#include "server/metrics/server_metrics.h"
#include "server/metrics/sharded_histogram.h"
#include "server/repository/model_manager.h"
#include "server/serving/feature_mapper.h"
#include "server/serving/predictor.h"

namespace regserve::bench {
namespace {

namespace v1 = ::regserve::v1;

const char* kNames[] = {"CRIM", "ZN",  "INDUS", "CHAS",    "NOX", "RM",   "AGE",
                        "DIS",  "RAD", "TAX",   "PTRATIO", "B",   "LSTAT"};
const double kRow1[] = {0.00632, 18, 2.31, 0,    0.538, 6.575, 65.2,
                        4.09,    1,  296,  15.3, 396.9, 4.98};

const model::LinearModel& Boston() {
  static const auto* model = new model::LinearModel(*model::ModelFromArtifact(
      *model::ReadArtifactFile(std::string(REGSERVE_SOURCE_DIR) +
                               "/models/boston_housing/1/model.json")));
  return *model;
}

void LoadModels(server::ModelRegistry* registry,
                server::metrics::ServerMetrics* metrics) {
  server::ModelManagerOptions options;
  options.repository = std::string(REGSERVE_SOURCE_DIR) + "/models";
  server::ModelManager manager(options, registry, metrics);
  (void)manager.Reconcile();
}

v1::PredictRequest SeedRequest() {
  v1::PredictRequest request;
  for (int j = 0; j < 13; ++j) {
    (*request.mutable_features())[kNames[j]] = kRow1[j];
  }
  return request;
}

v1::BatchPredictRequest TableRequest(int rows) {
  v1::BatchPredictRequest request;
  for (const char* n : kNames) request.mutable_table()->add_columns(n);
  for (int r = 0; r < rows; ++r) {
    for (double v : kRow1) request.mutable_table()->add_values(v + r % 7);
  }
  return request;
}

void BM_ParsePredictRequest(benchmark::State& state) {
  const std::string bytes = SeedRequest().SerializeAsString();
  google::protobuf::Arena arena;
  for (auto _ : state) {
    auto* request =
        google::protobuf::Arena::CreateMessage<v1::PredictRequest>(&arena);
    benchmark::DoNotOptimize(request->ParseFromString(bytes));
    arena.Reset();
  }
}
BENCHMARK(BM_ParsePredictRequest);

void BM_MapNamedFeatures(benchmark::State& state) {
  const v1::PredictRequest request = SeedRequest();
  double row[13];
  for (auto _ : state) {
    benchmark::DoNotOptimize(server::MapNamedFeatures(
        Boston(), request.features(), request.categorical_features(), "",
        absl::MakeSpan(row), nullptr));
  }
}
BENCHMARK(BM_MapNamedFeatures);

void BM_PredictOneRow(benchmark::State& state) {
  for (auto _ : state) benchmark::DoNotOptimize(Boston().Predict(kRow1));
}
BENCHMARK(BM_PredictOneRow);

void BM_PredictionInterval(benchmark::State& state) {
  for (auto _ : state) {
    benchmark::DoNotOptimize(Boston().PredictionInterval(kRow1, 0.95));
  }
}
BENCHMARK(BM_PredictionInterval);

void BM_PredictBatchRows(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  const model::RowMajorMatrix x = model::RowMajorMatrix::Random(rows, 13);
  Eigen::VectorXd out(rows);
  for (auto _ : state) {
    Boston().PredictBatch(x, out);
    benchmark::DoNotOptimize(out.data());
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_PredictBatchRows)->Arg(1)->Arg(10000);

// Request to response through the Predictor, with a response on an arena as
// the server's call slots use; with and without metrics.
void BM_PredictorPredict(benchmark::State& state) {
  std::unique_ptr<server::metrics::ServerMetrics> metrics;
  if (state.range(0) == 1) {
    metrics = std::make_unique<server::metrics::ServerMetrics>();
  }
  server::ModelRegistry registry;
  LoadModels(&registry, metrics.get());
  server::Predictor predictor(&registry, 100000, metrics.get());
  const v1::PredictRequest request = SeedRequest();
  google::protobuf::Arena arena;
  for (auto _ : state) {
    auto* response =
        google::protobuf::Arena::CreateMessage<v1::PredictResponse>(&arena);
    benchmark::DoNotOptimize(predictor.Predict(request, response));
    arena.Reset();
  }
}
BENCHMARK(BM_PredictorPredict)->Arg(0)->Arg(1)->ArgName("metrics");

void BM_PredictorBatchTable(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  server::ModelRegistry registry;
  LoadModels(&registry, nullptr);
  server::Predictor predictor(&registry, 100000, nullptr);
  const v1::BatchPredictRequest request = TableRequest(rows);
  for (auto _ : state) {
    v1::BatchPredictResponse response;
    benchmark::DoNotOptimize(predictor.BatchPredict(request, &response));
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_PredictorBatchTable)->Arg(1)->Arg(100)->Arg(10000);

// The same through the iris model, whose Species is categorical: levels
// looked up and coded as indicator terms (and, for a table, the terms
// gathered into one matrix), against the numeric path above.
v1::PredictRequest IrisRequest() {
  v1::PredictRequest request;
  request.mutable_model_spec()->set_name("iris");
  (*request.mutable_features())["Sepal.Width"] = 3.3;
  (*request.mutable_features())["Petal.Length"] = 6.0;
  (*request.mutable_features())["Petal.Width"] = 2.5;
  (*request.mutable_categorical_features())["Species"] = "virginica";
  return request;
}

void BM_PredictorPredictCategorical(benchmark::State& state) {
  server::metrics::ServerMetrics metrics;
  server::ModelRegistry registry;
  LoadModels(&registry, &metrics);
  server::Predictor predictor(&registry, 100000, &metrics);
  const v1::PredictRequest request = IrisRequest();
  google::protobuf::Arena arena;
  for (auto _ : state) {
    auto* response =
        google::protobuf::Arena::CreateMessage<v1::PredictResponse>(&arena);
    benchmark::DoNotOptimize(predictor.Predict(request, response));
    arena.Reset();
  }
}
BENCHMARK(BM_PredictorPredictCategorical);

void BM_PredictorBatchTableCategorical(benchmark::State& state) {
  const int rows = static_cast<int>(state.range(0));
  server::ModelRegistry registry;
  LoadModels(&registry, nullptr);
  server::Predictor predictor(&registry, 100000, nullptr);
  v1::BatchPredictRequest request;
  request.mutable_model_spec()->set_name("iris");
  v1::Table& table = *request.mutable_table();
  for (const char* c : {"Sepal.Width", "Petal.Length", "Petal.Width"}) {
    table.add_columns(c);
  }
  table.add_categorical_columns("Species");
  const char* levels[] = {"setosa", "versicolor", "virginica"};
  for (int r = 0; r < rows; ++r) {
    for (double v : {3.3, 6.0, 2.5}) table.add_values(v + r % 7);
    table.add_categorical_values(levels[r % 3]);
  }
  for (auto _ : state) {
    v1::BatchPredictResponse response;
    benchmark::DoNotOptimize(predictor.BatchPredict(request, &response));
  }
  state.SetItemsProcessed(state.iterations() * rows);
}
BENCHMARK(BM_PredictorBatchTableCategorical)->Arg(1)->Arg(100)->Arg(10000);

}  // namespace
// One histogram observation from 1 and 2 threads at once: prometheus-cpp's
// Histogram (a mutex shared by all observers; the baseline regserve used
// before) against the sharded one the server now uses on the serving path.
const std::vector<double>& LatencyBounds() {
  static const std::vector<double> bounds = [] {
    std::vector<double> b;
    for (double x = 25e-6; x < 8; x *= 2) b.push_back(x);
    return b;
  }();
  return bounds;
}

void BM_HistogramObservePrometheusCpp(benchmark::State& state) {
  static prometheus::Histogram histogram(LatencyBounds());
  double v = 1e-4;
  for (auto _ : state) {
    histogram.Observe(v);
    v = v < 1 ? v * 1.01 : 1e-4;
  }
}
BENCHMARK(BM_HistogramObservePrometheusCpp)->Threads(1)->Threads(2);

void BM_HistogramObserveSharded(benchmark::State& state) {
  static server::metrics::ShardedHistogram histogram(LatencyBounds());
  double v = 1e-4;
  for (auto _ : state) {
    histogram.Observe(v);
    v = v < 1 ? v * 1.01 : 1e-4;
  }
}
BENCHMARK(BM_HistogramObserveSharded)->Threads(1)->Threads(2);

}  // namespace regserve::bench

BENCHMARK_MAIN();
