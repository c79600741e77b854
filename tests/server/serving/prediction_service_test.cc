// Predict, BatchPredict and GetModelMetadata through a real channel agree
// with the regression core.
#include <numeric>

#include "gmock/gmock.h"
#include "grpcpp/client_context.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "tests/server/test_server.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

namespace v1 = ::regserve::v1;

class PredictionServiceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    server_ = testing::StartTestServer();
    ASSERT_NE(server_, nullptr);
    stub_ = v1::PredictionService::NewStub(testing::Connect(server_->port()));
    auto artifact = model::ReadArtifactFile(
        testing::SourcePath("models/boston_housing/1/model.json"));
    ASSERT_TRUE(artifact.ok());
    core_.emplace(*model::ModelFromArtifact(*artifact));
  }

  v1::Table BostonTable(int rows, bool reversed) const {
    const model::TrainingSet set = testing::BostonTrainingSet();
    std::vector<int> order(13);
    std::iota(order.begin(), order.end(), 0);
    if (reversed) std::reverse(order.begin(), order.end());
    v1::Table table;
    for (int c : order) table.add_columns(set.feature_names[c]);
    for (int r = 0; r < rows; ++r) {
      for (int c : order) table.add_values(set.x(r, c));
    }
    return table;
  }

  std::vector<double> BostonRow(int r) const {
    const model::TrainingSet set = testing::BostonTrainingSet();
    return std::vector<double>(set.x.row(r).begin(), set.x.row(r).end());
  }

  std::unique_ptr<RegserveServer> server_;
  std::unique_ptr<v1::PredictionService::Stub> stub_;
  std::optional<model::LinearModel> core_;
};

TEST_F(PredictionServiceTest, PredictSeedRequest) {
  grpc::ClientContext ctx;
  v1::PredictResponse response;
  ASSERT_TRUE(stub_->Predict(&ctx, testing::SeedRequest(), &response).ok());
  EXPECT_NEAR(response.prediction(), 30.00384338, 1e-8);
  EXPECT_EQ(response.model_spec().name(), "boston_housing");
  EXPECT_EQ(response.model_spec().version(), 1);
  EXPECT_FALSE(response.has_interval());
  EXPECT_TRUE(response.contributions().empty());
}

TEST_F(PredictionServiceTest, PredictWithIntervalAndExplanation) {
  v1::PredictRequest request = testing::SeedRequest();
  request.set_interval_level(0.95);
  request.set_explain(true);
  request.mutable_model_spec()->set_name("boston_housing");
  request.mutable_model_spec()->set_version(1);
  grpc::ClientContext ctx;
  v1::PredictResponse response;
  ASSERT_TRUE(stub_->Predict(&ctx, request, &response).ok());
  const model::Interval want =
      core_->PredictionInterval(testing::BostonRow1(), 0.95);
  EXPECT_DOUBLE_EQ(response.interval().lower(), want.lower);
  EXPECT_DOUBLE_EQ(response.interval().upper(), want.upper);
  EXPECT_NEAR(response.interval().lower(), 20.60172555, 1e-7);
  ASSERT_EQ(response.contributions_size(), 13);
  double sum = response.baseline();
  for (const auto& [name, value] : response.contributions()) sum += value;
  EXPECT_NEAR(sum, response.prediction(), 1e-9);
  EXPECT_DOUBLE_EQ(response.baseline(), core_->Baseline());
}

TEST_F(PredictionServiceTest, BatchRowsEqualTheCore) {
  v1::BatchPredictRequest request;
  request.set_interval_level(0.9);
  const model::TrainingSet set = testing::BostonTrainingSet();
  for (int r = 0; r < 20; ++r) {
    auto* features = request.add_rows()->mutable_features();
    for (int j = 0; j < 13; ++j)
      (*features)[set.feature_names[j]] = set.x(r, j);
  }
  grpc::ClientContext ctx;
  v1::BatchPredictResponse response;
  ASSERT_TRUE(stub_->BatchPredict(&ctx, request, &response).ok());
  ASSERT_EQ(response.predictions_size(), 20);
  ASSERT_EQ(response.intervals_size(), 20);
  for (int r = 0; r < 20; ++r) {
    const auto row = BostonRow(r);
    EXPECT_DOUBLE_EQ(response.predictions(r), core_->Predict(row));
    EXPECT_DOUBLE_EQ(response.intervals(r).upper(),
                     core_->PredictionInterval(row, 0.9).upper);
  }
  EXPECT_EQ(response.model_spec().version(), 1);
}

TEST_F(PredictionServiceTest, BatchTableInAnyColumnOrderEqualsTheCore) {
  for (bool reversed : {false, true}) {
    v1::BatchPredictRequest request;
    *request.mutable_table() = BostonTable(506, reversed);
    request.set_interval_level(reversed ? 0.95 : 0);
    grpc::ClientContext ctx;
    v1::BatchPredictResponse response;
    ASSERT_TRUE(stub_->BatchPredict(&ctx, request, &response).ok());
    ASSERT_EQ(response.predictions_size(), 506);
    EXPECT_EQ(response.intervals_size(), reversed ? 506 : 0);
    for (int r = 0; r < 506; r += 37) {
      const auto row = BostonRow(r);
      EXPECT_NEAR(response.predictions(r), core_->Predict(row), 1e-9);
      if (reversed) {
        EXPECT_DOUBLE_EQ(response.intervals(r).lower(),
                         core_->PredictionInterval(row, 0.95).lower);
      }
    }
    EXPECT_NEAR(response.predictions(0), 30.00384338, 1e-8);
  }
}

TEST_F(PredictionServiceTest, MetadataDescribesTheModel) {
  grpc::ClientContext ctx;
  v1::GetModelMetadataResponse response;
  ASSERT_TRUE(
      stub_->GetModelMetadata(&ctx, v1::GetModelMetadataRequest(), &response)
          .ok());
  EXPECT_EQ(response.model_spec().name(), "boston_housing");
  EXPECT_THAT(response.feature_names(),
              ::testing::ElementsAreArray(testing::BostonFeatureNames()));
  EXPECT_EQ(response.target_name(), "MEDV");
  EXPECT_EQ(response.model_type(), "ols");
  EXPECT_NEAR(response.intercept(), 36.45948839, 1e-7);
  EXPECT_NEAR(response.fit().r_squared(), 0.7406426641, 1e-9);
  EXPECT_EQ(response.fit().observations(), 506);
  EXPECT_GT(response.fit().cv_rmse(), 0);
  ASSERT_EQ(response.feature_domains_size(), 13);
  EXPECT_EQ(response.feature_domains(3).max(), 1);
  EXPECT_EQ(response.target_domain().max(), 50);
  EXPECT_THAT(response.loaded_versions(), ::testing::ElementsAre(1));
  EXPECT_EQ(response.training_data_sha256().size(), 64u);
  EXPECT_GT(response.created_time().seconds(), 0);
}

TEST(MultiModelServiceTest, ServesEveryModelByName) {
  testing::TempDir repo;
  testing::PublishTinyModel(repo.path(), "tiny", 1, 10, 2, 0);
  testing::PublishTinyModel(repo.path(), "other", 2, -5, 0, 3);
  ServerOptions options = testing::TestServerOptions();
  options.model_repository = repo.path();
  options.default_model = "tiny";
  auto server = testing::StartTestServer(options);
  ASSERT_NE(server, nullptr);
  auto stub = v1::PredictionService::NewStub(testing::Connect(server->port()));
  for (const auto& [name, want] : std::vector<std::pair<std::string, double>>{
           {"tiny", 12}, {"other", -2}, {"", 12}}) {
    v1::PredictRequest request;
    request.mutable_model_spec()->set_name(name);
    (*request.mutable_features())["a"] = 1;
    (*request.mutable_features())["b"] = 1;
    grpc::ClientContext ctx;
    v1::PredictResponse response;
    ASSERT_TRUE(stub->Predict(&ctx, request, &response).ok()) << name;
    EXPECT_NEAR(response.prediction(), want, 0.05) << name;
  }
}

}  // namespace
}  // namespace regserve::server
