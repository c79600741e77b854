// Every bad input gets its precise status, names the field or limit, and the
// server keeps serving afterwards.
#include <chrono>
#include <cmath>
#include <functional>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;
using ::testing::HasSubstr;

struct BadCase {
  std::string name;
  std::function<grpc::Status(v1::PredictionService::Stub&)> call;
  grpc::StatusCode code;
  std::vector<std::string> message_parts;
};

grpc::Status CallPredict(v1::PredictionService::Stub& stub,
                         const v1::PredictRequest& request) {
  grpc::ClientContext ctx;
  v1::PredictResponse response;
  return stub.Predict(&ctx, request, &response);
}

grpc::Status CallBatch(v1::PredictionService::Stub& stub,
                       const v1::BatchPredictRequest& request) {
  grpc::ClientContext ctx;
  v1::BatchPredictResponse response;
  grpc::Status status = stub.BatchPredict(&ctx, request, &response);
  // Nothing is half-answered: an error carries no predictions.
  if (!status.ok()) {
    EXPECT_EQ(response.predictions_size(), 0);
  }
  return status;
}

v1::PredictRequest Seed(std::function<void(v1::PredictRequest&)> edit) {
  v1::PredictRequest request = testing::SeedRequest();
  edit(request);
  return request;
}

v1::BatchPredictRequest TableBatch(int rows) {
  v1::BatchPredictRequest request;
  for (const auto& name : testing::BostonFeatureNames()) {
    request.mutable_table()->add_columns(name);
  }
  for (int r = 0; r < rows; ++r) {
    for (double v : testing::BostonRow1())
      request.mutable_table()->add_values(v);
  }
  return request;
}

v1::BatchPredictRequest RowsBatch(int rows) {
  v1::BatchPredictRequest request;
  for (int r = 0; r < rows; ++r) {
    *request.add_rows()->mutable_features() = testing::SeedRequest().features();
  }
  return request;
}

std::vector<BadCase> Cases() {
  using C = grpc::StatusCode;
  std::vector<BadCase> cases;
  auto predict = [&](std::string name, v1::PredictRequest r, C code,
                     std::vector<std::string> parts) {
    cases.push_back(
        {name, [r](auto& s) { return CallPredict(s, r); }, code, parts});
  };
  auto batch = [&](std::string name, v1::BatchPredictRequest r, C code,
                   std::vector<std::string> parts) {
    cases.push_back(
        {name, [r](auto& s) { return CallBatch(s, r); }, code, parts});
  };
  predict("unknown model",
          Seed([](auto& r) { r.mutable_model_spec()->set_name("houses"); }),
          C::NOT_FOUND,
          {"model 'houses' is not loaded", "[boston_housing, iris]"});
  predict("unknown version",
          Seed([](auto& r) { r.mutable_model_spec()->set_version(7); }),
          C::NOT_FOUND, {"version 7 of model 'boston_housing'", "[1]"});
  predict("negative version",
          Seed([](auto& r) { r.mutable_model_spec()->set_version(-1); }),
          C::INVALID_ARGUMENT, {"model_spec.version must be >= 0"});
  predict("missing features", Seed([](auto& r) {
            r.mutable_features()->erase("RM");
            r.mutable_features()->erase("TAX");
          }),
          C::INVALID_ARGUMENT, {"missing features [RM, TAX]"});
  predict("unknown features",
          Seed([](auto& r) { (*r.mutable_features())["ROOMS"] = 3; }),
          C::INVALID_ARGUMENT, {"unknown features [ROOMS]"});
  predict("NaN feature",
          Seed([](auto& r) { (*r.mutable_features())["AGE"] = std::nan(""); }),
          C::INVALID_ARGUMENT, {"feature AGE is not a finite number"});
  predict("infinite feature",
          Seed([](auto& r) { (*r.mutable_features())["B"] = -INFINITY; }),
          C::INVALID_ARGUMENT, {"feature B is not a finite number"});
  predict("interval level 1", Seed([](auto& r) { r.set_interval_level(1); }),
          C::INVALID_ARGUMENT, {"interval_level must be 0", "is 1"});
  predict("interval level NaN",
          Seed([](auto& r) { r.set_interval_level(std::nan("")); }),
          C::INVALID_ARGUMENT, {"interval_level"});
  predict("interval level negative",
          Seed([](auto& r) { r.set_interval_level(-0.5); }),
          C::INVALID_ARGUMENT, {"interval_level"});
  batch("empty batch", v1::BatchPredictRequest(), C::INVALID_ARGUMENT,
        {"empty batch"});
  v1::BatchPredictRequest both = RowsBatch(1);
  *both.mutable_table() = TableBatch(1).table();
  batch("rows and table", both, C::INVALID_ARGUMENT,
        {"either rows or table, not both"});
  v1::BatchPredictRequest ragged = TableBatch(2);
  ragged.mutable_table()->add_values(1);
  batch("ragged table", ragged, C::INVALID_ARGUMENT,
        {"27 values, not a multiple of its 13 columns"});
  v1::BatchPredictRequest dup = TableBatch(1);
  dup.mutable_table()->set_columns(1, "CRIM");
  batch("duplicate column", dup, C::INVALID_ARGUMENT,
        {"duplicate column CRIM"});
  v1::BatchPredictRequest unknown = TableBatch(1);
  unknown.mutable_table()->set_columns(0, "crime");
  batch("unknown column", unknown, C::INVALID_ARGUMENT,
        {"table.columns: missing features [CRIM]; unknown features [crime]"});
  v1::BatchPredictRequest nan_table = TableBatch(4);
  nan_table.mutable_table()->set_values(3 * 13 + 12, std::nan(""));
  batch("NaN in table", nan_table, C::INVALID_ARGUMENT,
        {"table row 3: feature LSTAT is not a finite number"});
  v1::BatchPredictRequest nan_row = RowsBatch(3);
  (*nan_row.mutable_rows(2)->mutable_features())["ZN"] = INFINITY;
  batch("NaN in rows", nan_row, C::INVALID_ARGUMENT,
        {"rows[2]: feature ZN is not a finite number"});
  v1::BatchPredictRequest missing_row = RowsBatch(2);
  missing_row.mutable_rows(1)->mutable_features()->erase("DIS");
  batch("missing in rows", missing_row, C::INVALID_ARGUMENT,
        {"rows[1]: missing features [DIS]"});
  batch("too many rows", TableBatch(101), C::INVALID_ARGUMENT,
        {"101 rows", "limit of 100", "--max_batch_rows"});
  v1::BatchPredictRequest bad_level = TableBatch(1);
  bad_level.set_interval_level(2);
  batch("batch interval level", bad_level, C::INVALID_ARGUMENT,
        {"interval_level"});
  cases.push_back({"metadata of unknown model",
                   [](auto& stub) {
                     grpc::ClientContext ctx;
                     v1::GetModelMetadataRequest request;
                     request.mutable_model_spec()->set_name("nope");
                     v1::GetModelMetadataResponse response;
                     return stub.GetModelMetadata(&ctx, request, &response);
                   },
                   C::NOT_FOUND,
                   {"model 'nope' is not loaded"}});
  return cases;
}

class BadInputTest : public ::testing::Test {
 protected:
  void SetUp() override {
    ServerOptions options = testing::TestServerOptions();
    options.max_batch_rows = 100;
    options.max_message_bytes = 64 * 1024;
    server_ = testing::StartTestServer(options);
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PredictionService::NewStub(testing::Connect(server_->port()));
  }
  void ExpectStillServing() {
    grpc::ClientContext ctx;
    v1::PredictResponse response;
    ASSERT_TRUE(stub_->Predict(&ctx, testing::SeedRequest(), &response).ok());
    EXPECT_NEAR(response.prediction(), 30.00384338, 1e-8);
  }
  std::unique_ptr<RegserveServer> server_;
  std::unique_ptr<v1::PredictionService::Stub> stub_;
};

TEST_F(BadInputTest, EachCaseGetsItsCodeAndAPreciseMessage) {
  for (const BadCase& c : Cases()) {
    SCOPED_TRACE(c.name);
    grpc::Status status = c.call(*stub_);
    EXPECT_EQ(status.error_code(), c.code) << status.error_message();
    for (const std::string& part : c.message_parts) {
      EXPECT_THAT(status.error_message(), HasSubstr(part));
    }
    ExpectStillServing();
  }
}

TEST_F(BadInputTest, OversizedMessageIsResourceExhausted) {
  // 64 KiB limit; 1000 rows x 13 doubles is about 104 KB.
  v1::BatchPredictRequest request = TableBatch(1000);
  grpc::Status status = CallBatch(*stub_, request);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED)
      << status.error_message();
  ExpectStillServing();
}

TEST_F(BadInputTest, ExpiredDeadlineIsDeadlineExceeded) {
  grpc::ClientContext ctx;
  ctx.set_deadline(std::chrono::system_clock::now() -
                   std::chrono::milliseconds(1));
  v1::PredictResponse response;
  grpc::Status status = stub_->Predict(&ctx, testing::SeedRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  ExpectStillServing();
}

TEST_F(BadInputTest, CancelledCallDoesNotDisturbTheServer) {
  grpc::ClientContext ctx;
  ctx.TryCancel();
  v1::PredictResponse response;
  grpc::Status status = stub_->Predict(&ctx, testing::SeedRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::CANCELLED);
  ExpectStillServing();
}

// Issue 16, item 12: a feature named with 8,000 characters made the status
// message exceed the client's metadata limit, so the caller saw
// RESOURCE_EXHAUSTED instead of INVALID_ARGUMENT. Every echo of the
// caller's text is capped (common/echo.h): 64 characters a name, 10 names.
TEST_F(BadInputTest, EchoesOfCallerTextAreCapped) {
  const std::string long_name(8000, 'x');
  grpc::Status status = CallPredict(*stub_, Seed([&](v1::PredictRequest& r) {
    (*r.mutable_features())[long_name] = 1;
  }));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT)
      << status.error_message().substr(0, 200);
  EXPECT_THAT(status.error_message(), HasSubstr("unknown features [xxxx"));
  EXPECT_THAT(status.error_message(), HasSubstr("(7936 more bytes)"));
  EXPECT_LT(status.error_message().size(), 1000u);

  status = CallPredict(*stub_, Seed([](v1::PredictRequest& r) {
    for (int i = 0; i < 500; ++i) {
      (*r.mutable_features())["extra_" + std::to_string(1000 + i)] = 1;
    }
  }));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
  EXPECT_THAT(status.error_message(), HasSubstr(" and 490 more]"));
  EXPECT_LT(status.error_message().size(), 1000u);

  status = CallPredict(*stub_, Seed([&](v1::PredictRequest& r) {
    r.mutable_model_spec()->set_name(long_name);
  }));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 1000u);

  status = CallPredict(*stub_, Seed([&](v1::PredictRequest& r) {
    r.mutable_model_spec()->set_version_label(long_name);
  }));
  EXPECT_EQ(status.error_code(), grpc::StatusCode::NOT_FOUND);
  EXPECT_LT(status.error_message().size(), 1000u);
  ExpectStillServing();
}

}  // namespace
}  // namespace regserve::server
