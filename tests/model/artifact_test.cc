#include "model/artifact.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

using ::testing::HasSubstr;
using ArtifactProto = ::regserve::model::v1::LinearModel;

ArtifactProto BostonArtifact() {
  const TrainingSet set = testing::BostonTrainingSet();
  auto fit = FitLinearRegression(set, {});
  EXPECT_TRUE(fit.ok());
  fit->params.name = "boston";
  fit->params.version = 3;
  return BuildArtifact(*fit, set, {"data.csv", "abc", 0, 0, 0}, std::nullopt,
                       absl::FromUnixSeconds(1700000000));
}

TEST(ArtifactTest, JsonRoundTripPredictsExactlyTheSame) {
  const ArtifactProto artifact = BostonArtifact();
  const std::string json = ArtifactToJson(artifact);
  EXPECT_THAT(json, HasSubstr("\"feature_names\""));
  EXPECT_THAT(json, HasSubstr("2023-11-14T22:13:20Z"));
  auto parsed = ParseArtifactJson(json, "m.json");
  ASSERT_TRUE(parsed.ok()) << parsed.status();
  auto model = ModelFromArtifact(*parsed);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->version(), 3);
  EXPECT_EQ(model->Predict(testing::BostonRow1()),
            artifact.samples(0).prediction());
  EXPECT_EQ(parsed->samples_size(), kSampleRows);
}

TEST(ArtifactTest, TruncatedJsonFailsNamingTheSource) {
  const std::string json = ArtifactToJson(BostonArtifact());
  auto parsed = ParseArtifactJson(json.substr(0, json.size() / 2), "m.json");
  ASSERT_FALSE(parsed.ok());
  EXPECT_THAT(parsed.status().message(),
              HasSubstr("m.json: not a valid model artifact"));
}

TEST(ArtifactTest, CorruptedJsonFails) {
  std::string json = ArtifactToJson(BostonArtifact());
  json.replace(json.find("\"intercept\": "), 13, "\"intercept\": \"x\"");
  EXPECT_FALSE(ParseArtifactJson(json, "m.json").ok());
  EXPECT_FALSE(ParseArtifactJson("{\"unknown_field\": 1}", "m.json").ok());
}

TEST(ArtifactTest, ValidationReportsTheFirstProblem) {
  ArtifactProto a = BostonArtifact();
  a.set_format_version(99);
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("format_version is 99, expected 1"));
  a = BostonArtifact();
  a.set_version(0);
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("version must be a positive integer"));
  a = BostonArtifact();
  a.mutable_coefficients()->RemoveLast();
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("13 features but 12 coefficients"));
  a = BostonArtifact();
  a.mutable_statistics()->mutable_unscaled_covariance()->RemoveLast();
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("unscaled_covariance has 195 values"));
  a = BostonArtifact();
  a.set_coefficients(2, std::numeric_limits<double>::infinity());
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("coefficient of INDUS is not finite"));
}

// Regression (fuzz_artifact_loader, fuzz/regressions/): a tiny residual df
// made Boost throw out of the t quantile and killed the server.
TEST(ArtifactTest, ResidualDfBelowOneIsRejectedNotThrown) {
  ArtifactProto a = BostonArtifact();
  a.mutable_statistics()->set_residual_df(0.001);
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("residual df must be at least 1"));
}

TEST(ArtifactTest, ExtremeIntervalLevelsDoNotThrow) {
  auto model = ModelFromArtifact(BostonArtifact());
  ASSERT_TRUE(model.ok());
  const Interval i =
      model->PredictionInterval(testing::BostonRow1(), 0.9999999999999999);
  EXPECT_LT(i.lower, i.upper);
}

TEST(ArtifactTest, SamplesThatDisagreeWithCoefficientsAreRejected) {
  ArtifactProto a = BostonArtifact();
  a.set_coefficients(5, a.coefficients(5) + 0.1);
  EXPECT_THAT(ModelFromArtifact(a).status().message(),
              HasSubstr("samples[0] predicts"));
}

}  // namespace
}  // namespace regserve::model
