// MoveCategoricalFeatures: the flat `features` object of REST callers read
// by the model's feature kinds.
#include "server/http/json_categorical.h"

#include "gmock/gmock.h"
#include "google/protobuf/util/json_util.h"
#include "gtest/gtest.h"
#include "regserve/v1/prediction_service.pb.h"

namespace regserve::server::http {
namespace {

template <typename Message>
Message Parse(const std::string& json) {
  Message m;
  EXPECT_TRUE(google::protobuf::util::JsonStringToMessage(json, &m).ok())
      << json;
  return m;
}

TEST(MoveCategoricalFeaturesTest, StringsOfCategoricalFeaturesBecomeLevels) {
  auto moved = *MoveCategoricalFeatures(
      R"({"features": {"RM": 6.5, "AGE": "65.2", "ocean": "NEAR BAY"},
          "explain": true})",
      {"ocean"});
  ASSERT_TRUE(moved.has_value());
  auto request = Parse<v1::PredictRequest>(*moved);
  EXPECT_EQ(request.features().at("RM"), 6.5);
  EXPECT_EQ(request.features().at("AGE"), 65.2);  // a numeric string stays
  EXPECT_EQ(request.categorical_features().at("ocean"), "NEAR BAY");
  EXPECT_FALSE(request.features().contains("ocean"));
  EXPECT_TRUE(request.explain());
}

TEST(MoveCategoricalFeaturesTest, MergesIntoGivenCategoricalFeaturesAndRows) {
  auto moved = *MoveCategoricalFeatures(
      R"({"rows": [{"features": {"a": 1, "g": "x"}},
                   {"features": {"a": 2}, "categorical_features": {"g": "y"}}]})",
      {"g"});
  ASSERT_TRUE(moved.has_value());
  auto batch = Parse<v1::BatchPredictRequest>(*moved);
  ASSERT_EQ(batch.rows_size(), 2);
  EXPECT_EQ(batch.rows(0).categorical_features().at("g"), "x");
  EXPECT_FALSE(batch.rows(0).features().contains("g"));
  EXPECT_EQ(batch.rows(1).categorical_features().at("g"), "y");
  moved = *MoveCategoricalFeatures(
      R"({"features": {"g": "x"}, "categorical_features": {"h": "y"}})",
      {"g", "h"});
  ASSERT_TRUE(moved.has_value());
  auto request = Parse<v1::PredictRequest>(*moved);
  EXPECT_EQ(request.categorical_features().at("g"), "x");
  EXPECT_EQ(request.categorical_features().at("h"), "y");
}

TEST(MoveCategoricalFeaturesTest, LeavesBodiesAloneWhenNothingMoves) {
  // No categorical features; a number under a categorical name (refused
  // later by name); not JSON; not an object.
  EXPECT_FALSE(*MoveCategoricalFeatures(R"({"features": {"g": "x"}})", {}));
  EXPECT_FALSE(*MoveCategoricalFeatures(R"({"features": {"g": 2}})", {"g"}));
  EXPECT_FALSE(*MoveCategoricalFeatures(R"({"features": {"g": "x")", {"g"}));
  EXPECT_FALSE(*MoveCategoricalFeatures(R"(["g"])", {"g"}));
}

TEST(MoveCategoricalFeaturesTest, AFeatureGivenBothWaysIsRefused) {
  auto moved = MoveCategoricalFeatures(
      R"({"rows": [{"features": {"g": "x"}, "categoricalFeatures": {"g": "y"}}]})",
      {"g"});
  EXPECT_EQ(moved.status().message(),
            "request body: rows[0].features.g is given twice, in features and "
            "in categorical_features");
}

TEST(BodyModelSpecTest, ReadsTheSpecOfABodyProtobufRefuses) {
  v1::ModelSpec spec;
  ASSERT_TRUE(BodyModelSpec(
      R"({"modelSpec": {"version": "2"}, "features": {"g": "x"}})", &spec));
  EXPECT_EQ(spec.version(), 2);
  ASSERT_TRUE(
      BodyModelSpec(R"({"model_spec": {"version_label": "stable"}})", &spec));
  EXPECT_EQ(spec.version_label(), "stable");
  EXPECT_FALSE(BodyModelSpec(R"({"model_spec": {"versio": 1}})", &spec));
  EXPECT_FALSE(BodyModelSpec("[", &spec));
}

}  // namespace
}  // namespace regserve::server::http
