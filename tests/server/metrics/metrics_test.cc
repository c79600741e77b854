// After a known set of good and bad calls, /metrics (fetched over real HTTP)
// holds exactly the counts those calls imply, and passes promtool.
#include <cstdio>
#include <fstream>

#include "absl/strings/str_cat.h"
#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/server/http/http_test_client.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::testing {
namespace {

namespace v1 = ::regserve::v1;

std::string Series(const std::string& name, const std::string& method,
                   const std::string& code = "") {
  // prometheus-cpp prints labels sorted by name.
  return absl::StrCat(name, "{",
                      code.empty() ? "" : "grpc_code=\"" + code + "\",",
                      "grpc_method=\"", method,
                      "\",grpc_service=\"regserve.v1.PredictionService\","
                      "grpc_type=\"unary\"}");
}

class MetricsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server::ServerOptions options = TestServerOptions();
    options.metrics_port = server::ServerOptions::kAnyPort;
    server_ = StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    ASSERT_GT(server_->metrics_port(), 0);
    stub_ = v1::PredictionService::NewStub(Connect(server_->port()));
  }
  grpc::StatusCode Predict(const v1::PredictRequest& request) {
    grpc::ClientContext ctx;
    v1::PredictResponse response;
    return stub_->Predict(&ctx, request, &response).error_code();
  }
  grpc::StatusCode Batch(const v1::BatchPredictRequest& request) {
    grpc::ClientContext ctx;
    v1::BatchPredictResponse response;
    return stub_->BatchPredict(&ctx, request, &response).error_code();
  }
  std::map<std::string, double> Scrape() {
    auto text = HttpGet(server_->metrics_port(), "/metrics");
    EXPECT_TRUE(text.ok()) << text.status();
    exposition_ = text.ok() ? *text : "";
    return ParseExposition(exposition_);
  }
  std::unique_ptr<server::RegserveServer> server_;
  std::unique_ptr<v1::PredictionService::Stub> stub_;
  std::string exposition_;
};

TEST_F(MetricsTest, CountsEveryCallByMethodAndCode) {
  using C = grpc::StatusCode;
  for (int i = 0; i < 3; ++i) ASSERT_EQ(Predict(SeedRequest()), C::OK);
  v1::PredictRequest out_of_domain = SeedRequest();
  (*out_of_domain.mutable_features())["CRIM"] = 100;  // training max 88.98
  (*out_of_domain.mutable_features())["RM"] = 2;      // training min 3.561
  ASSERT_EQ(Predict(out_of_domain), C::OK);
  v1::PredictRequest missing = SeedRequest();
  missing.mutable_features()->erase("RM");
  ASSERT_EQ(Predict(missing), C::INVALID_ARGUMENT);
  ASSERT_EQ(Predict(missing), C::INVALID_ARGUMENT);
  v1::PredictRequest unknown = SeedRequest();
  unknown.mutable_model_spec()->set_name("nope");
  ASSERT_EQ(Predict(unknown), C::NOT_FOUND);

  v1::BatchPredictRequest table;
  for (const auto& n : BostonFeatureNames())
    table.mutable_table()->add_columns(n);
  for (int r = 0; r < 10; ++r) {
    for (double v : BostonRow1()) table.mutable_table()->add_values(v);
  }
  ASSERT_EQ(Batch(table), C::OK);
  v1::BatchPredictRequest rows;
  for (int r = 0; r < 4; ++r) {
    *rows.add_rows()->mutable_features() = SeedRequest().features();
  }
  ASSERT_EQ(Batch(rows), C::OK);
  ASSERT_EQ(Batch(v1::BatchPredictRequest()), C::INVALID_ARGUMENT);

  auto m = Scrape();
  EXPECT_EQ(m[Series("grpc_server_started_total", "Predict")], 7);
  EXPECT_EQ(m[Series("grpc_server_msg_received_total", "Predict")], 7);
  EXPECT_EQ(m[Series("grpc_server_msg_sent_total", "Predict")], 4);
  EXPECT_EQ(m[Series("grpc_server_handled_total", "Predict", "OK")], 4);
  EXPECT_EQ(
      m[Series("grpc_server_handled_total", "Predict", "InvalidArgument")], 2);
  EXPECT_EQ(m[Series("grpc_server_handled_total", "Predict", "NotFound")], 1);
  EXPECT_EQ(m[Series("grpc_server_handling_seconds_count", "Predict")], 7);
  EXPECT_EQ(m[Series("grpc_server_started_total", "BatchPredict")], 3);
  EXPECT_EQ(m[Series("grpc_server_handled_total", "BatchPredict", "OK")], 2);
  EXPECT_EQ(
      m[Series("grpc_server_handled_total", "BatchPredict", "InvalidArgument")],
      1);
  EXPECT_EQ(m[Series("grpc_server_handling_seconds_count", "BatchPredict")], 3);
  EXPECT_EQ(m[Series("grpc_server_started_total", "GetModelMetadata")], 0);

  // Rows count batch rows: 4 Predicts + 10 table rows + 4 named rows.
  EXPECT_EQ(m["regserve_rows_predicted_total{model=\"boston_housing\",version="
              "\"1\"}"],
            18);
  EXPECT_EQ(m["regserve_prediction_value_count{model=\"boston_housing\","
              "version=\"1\"}"],
            18);
  EXPECT_EQ(m["regserve_batch_rows_count{method=\"BatchPredict\"}"], 2);
  EXPECT_EQ(m["regserve_batch_rows_sum{method=\"BatchPredict\"}"], 14);
  EXPECT_EQ(m["regserve_out_of_domain_inputs_total{feature=\"CRIM\",model="
              "\"boston_housing\"}"],
            1);
  EXPECT_EQ(m["regserve_out_of_domain_inputs_total{feature=\"RM\",model="
              "\"boston_housing\"}"],
            1);
  EXPECT_EQ(m["regserve_out_of_domain_inputs_total{feature=\"LSTAT\",model="
              "\"boston_housing\"}"],
            0);
  EXPECT_EQ(m["regserve_calls_in_flight"], 0);
  EXPECT_EQ(m["regserve_model_loaded{model=\"boston_housing\",version=\"1\"}"],
            1);
  EXPECT_EQ(m["regserve_model_loads_total{model=\"boston_housing\",result="
              "\"success\"}"],
            1);
  EXPECT_GT(m["process_resident_memory_bytes"], 1e6);
  EXPECT_GT(m["process_open_fds"], 3);
  EXPECT_GT(m["process_start_time_seconds"], 1.7e9);
  EXPECT_THAT(exposition_,
              ::testing::HasSubstr("regserve_build_info{git_commit="));
}

TEST_F(MetricsTest, HistogramBucketsResolveSubMillisecondCalls) {
  ASSERT_EQ(Predict(SeedRequest()), grpc::StatusCode::OK);
  auto m = Scrape();
  const std::string le25us = absl::StrCat(
      "grpc_server_handling_seconds_bucket{grpc_method=\"Predict\","
      "grpc_service=\"regserve.v1.PredictionService\",grpc_type=\"unary\","
      "le=\"2.5e-05\"}");
  EXPECT_TRUE(m.contains(le25us));
}

TEST_F(MetricsTest, ExpositionPassesPromtool) {
  ASSERT_EQ(Predict(SeedRequest()), grpc::StatusCode::OK);
  Scrape();
  TempDir dir;
  const std::string file = dir.path() + "/metrics.txt";
  std::ofstream(file) << exposition_;
  const std::string command =
      "promtool check metrics < " + file + " > " + dir.path() + "/out 2>&1";
  const int rc = std::system(command.c_str());
  std::ifstream out(dir.path() + "/out");
  std::string report((std::istreambuf_iterator<char>(out)), {});
  EXPECT_EQ(rc, 0) << report;
}

// Issue 16, item 1: finite but huge inputs overflowed to NaN, answered OK,
// and poisoned regserve_prediction_value_sum for the life of the process.
// Every path refuses them with INVALID_ARGUMENT naming the features, and
// records nothing; the sum stays finite.
TEST_F(MetricsTest, NonFiniteResultsAreRefusedAndNeverRecorded) {
  using C = grpc::StatusCode;
  v1::PredictRequest huge = SeedRequest();
  (*huge.mutable_features())["RM"] = 1e308;
  (*huge.mutable_features())["NOX"] = 1e308;
  for (bool interval : {false, true}) {
    for (bool explain : {false, true}) {
      huge.set_interval_level(interval ? 0.95 : 0);
      huge.set_explain(explain);
      grpc::ClientContext ctx;
      v1::PredictResponse response;
      const grpc::Status status = stub_->Predict(&ctx, huge, &response);
      EXPECT_EQ(status.error_code(), C::INVALID_ARGUMENT);
      EXPECT_THAT(status.error_message(),
                  ::testing::AllOf(::testing::HasSubstr("is not finite"),
                                   ::testing::HasSubstr("RM = 1e+308"),
                                   ::testing::HasSubstr("NOX = 1e+308")));
    }
  }
  v1::BatchPredictRequest rows;
  *rows.add_rows()->mutable_features() = SeedRequest().features();
  *rows.add_rows()->mutable_features() = huge.features();
  EXPECT_EQ(Batch(rows), C::INVALID_ARGUMENT);
  v1::BatchPredictRequest table;
  for (const auto& n : BostonFeatureNames()) {
    table.mutable_table()->add_columns(n);
  }
  for (double v : BostonRow1()) table.mutable_table()->add_values(v);
  for (double v : BostonRow1()) table.mutable_table()->add_values(v);
  table.mutable_table()->set_values(13 + 4, 1e308);  // row 1, NOX
  table.mutable_table()->set_values(13 + 5, 1e308);  // row 1, RM
  grpc::ClientContext ctx;
  v1::BatchPredictResponse answer;
  const grpc::Status status = stub_->BatchPredict(&ctx, table, &answer);
  EXPECT_EQ(status.error_code(), C::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), ::testing::HasSubstr("table row 1"));

  ASSERT_EQ(Predict(SeedRequest()), C::OK);
  auto m = Scrape();
  const std::string series = "{model=\"boston_housing\",version=\"1\"}";
  EXPECT_EQ(m["regserve_rows_predicted_total" + series], 1);
  EXPECT_EQ(m["regserve_prediction_value_count" + series], 1);
  EXPECT_NEAR(m["regserve_prediction_value_sum" + series], 30.00384338, 1e-6);
}

// Issue 16, item 4: a rows batch refused at its third row counted the rows
// before it. Only what was answered is recorded.
TEST_F(MetricsTest, RefusedBatchesRecordNoRows) {
  v1::BatchPredictRequest rows;
  v1::PredictRequest outside = SeedRequest();
  (*outside.mutable_features())["CRIM"] = 100;  // training max 88.98
  *rows.add_rows()->mutable_features() = outside.features();
  *rows.add_rows()->mutable_features() = SeedRequest().features();
  v1::PredictRequest missing = SeedRequest();
  missing.mutable_features()->erase("RM");
  *rows.add_rows()->mutable_features() = missing.features();
  ASSERT_EQ(Batch(rows), grpc::StatusCode::INVALID_ARGUMENT);
  auto m = Scrape();
  const std::string series = "{model=\"boston_housing\",version=\"1\"}";
  EXPECT_EQ(m["regserve_rows_predicted_total" + series], 0);
  EXPECT_EQ(m["regserve_prediction_value_count" + series], 0);
  EXPECT_EQ(m["regserve_out_of_domain_inputs_total{feature=\"CRIM\",model="
              "\"boston_housing\"}"],
            0);
  EXPECT_EQ(m["regserve_batch_rows_count{method=\"BatchPredict\"}"], 0);
}

TEST(MetricsOffTest, ZeroPortTurnsTheExposerOff) {
  auto server = StartTestServer();  // TestServerOptions: metrics_port 0
  ASSERT_NE(server, nullptr);
  EXPECT_EQ(server->metrics_port(), 0);
}

}  // namespace
}  // namespace regserve::testing
