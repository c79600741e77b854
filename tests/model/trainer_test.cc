#include "model/trainer.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/message_differencer.h"
#include "gtest/gtest.h"
#include "model/artifact_store.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

using ::testing::HasSubstr;

TrainerOptions BostonOptions(const std::string& repository) {
  TrainerOptions options;
  options.data_path = testing::SourcePath("data/boston_housing.csv");
  options.target = "MEDV";
  options.model_name = "boston_housing";
  options.repository = repository;
  return options;
}

// The shipped default model must be exactly what the trainer produces from
// the shipped data with default settings.
TEST(TrainerTest, RetrainingReproducesTheDefaultModel) {
  testing::TempDir repo;
  auto outcome = TrainAndPublish(BostonOptions(repo.path()));
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  auto shipped = ReadArtifactFile(
      testing::SourcePath("models/boston_housing/1/model.json"));
  ASSERT_TRUE(shipped.ok()) << shipped.status();
  v1::LinearModel fresh = outcome->artifact;
  // Creation time and the path the data was read from legitimately differ.
  fresh.clear_created_time();
  shipped->clear_created_time();
  fresh.mutable_training_data()->clear_source();
  shipped->mutable_training_data()->clear_source();
  google::protobuf::util::MessageDifferencer diff;
  diff.set_float_comparison(
      google::protobuf::util::MessageDifferencer::APPROXIMATE);
  std::string report;
  diff.ReportDifferencesToString(&report);
  EXPECT_TRUE(diff.Compare(fresh, *shipped)) << report;
}

TEST(TrainerTest, PublishesNextFreeVersionAndPrintsSummary) {
  testing::TempDir repo;
  ASSERT_TRUE(TrainAndPublish(BostonOptions(repo.path())).ok());
  TrainerOptions options = BostonOptions(repo.path());
  options.features = {"RM", "LSTAT", "PTRATIO"};
  options.ridge_lambda = 0.5;
  auto outcome = TrainAndPublish(options);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_EQ(outcome->artifact.version(), 2);
  EXPECT_EQ(outcome->artifact_path,
            ArtifactPath(repo.path(), "boston_housing", 2));
  EXPECT_EQ(outcome->artifact.feature_names_size(), 3);
  EXPECT_EQ(outcome->artifact.model_type(), "ridge");
  EXPECT_THAT(outcome->summary, HasSubstr("Residual standard error"));
  EXPECT_THAT(outcome->summary, HasSubstr("10-fold cross-validation"));
}

TEST(TrainerTest, SummaryLooksLikeR) {
  TrainerOptions options = BostonOptions("unused");
  options.publish = false;
  auto outcome = TrainAndPublish(options);
  ASSERT_TRUE(outcome.ok()) << outcome.status();
  EXPECT_TRUE(outcome->artifact_path.empty());
  EXPECT_THAT(outcome->summary,
              HasSubstr("Residual standard error: 4.745298 on 492 degrees"));
  EXPECT_THAT(outcome->summary, HasSubstr("Multiple R-squared:  0.7406427"));
  EXPECT_THAT(outcome->summary, HasSubstr("F-statistic: 108.1 on 13 and 492"));
}

TEST(TrainerTest, MissingRequiredOptionsAndBadDataAreErrors) {
  EXPECT_FALSE(TrainAndPublish(TrainerOptions{}).ok());
  TrainerOptions options = BostonOptions("unused");
  options.target = "PRICE";
  EXPECT_THAT(TrainAndPublish(options).status().message(),
              HasSubstr("target column 'PRICE'"));
}

}  // namespace
}  // namespace regserve::model
