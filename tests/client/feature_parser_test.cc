// Tests of client/feature_parser.h: NAME=VALUE assignments and JSON.
#include "client/feature_parser.h"

#include "absl/status/status.h"
#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace regserve::client {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;
using ::testing::Pair;

TEST(ParseFeatureAssignmentsTest, ParsesNamesAndValues) {
  absl::StatusOr<Features> features =
      ParseFeatureAssignments({"CRIM=0.00632", "ZN=18", "NOX=-1e-3"});
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(
      features->numeric,
      ElementsAre(Pair("CRIM", 0.00632), Pair("NOX", -1e-3), Pair("ZN", 18.0)));
}

TEST(ParseFeatureAssignmentsTest, IgnoresWhitespaceAroundNameAndValue) {
  absl::StatusOr<Features> features = ParseFeatureAssignments({" RM = 6.5 "});
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(features->numeric, ElementsAre(Pair("RM", 6.5)));
}

TEST(ParseFeatureAssignmentsTest, EmptyListGivesEmptyMap) {
  absl::StatusOr<Features> features = ParseFeatureAssignments({});
  ASSERT_TRUE(features.ok());
  EXPECT_TRUE(features->numeric.empty());
}

TEST(ParseFeatureAssignmentsTest, SplitsOnlyOnFirstEquals) {
  Features features;
  absl::Status status = ParseFeatureAssignment("A==1", {}, features);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("not a number"));
}

TEST(ParseFeatureAssignmentsTest, RejectsMalformedAssignments) {
  for (const char* bad : {"CRIM", "", "=1", "CRIM=", "CRIM=abc", "CRIM=1x",
                          "CRIM=nan", "CRIM=inf"}) {
    absl::StatusOr<Features> features = ParseFeatureAssignments({bad});
    EXPECT_EQ(features.status().code(), absl::StatusCode::kInvalidArgument)
        << "input: \"" << bad << "\"";
  }
}

TEST(ParseFeatureAssignmentsTest, RejectsDuplicateNames) {
  absl::StatusOr<Features> features =
      ParseFeatureAssignments({"CRIM=1", "CRIM=2"});
  EXPECT_EQ(features.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(features.status().message()),
              HasSubstr("more than once"));
}

TEST(ParseFeaturesJsonTest, ParsesObject) {
  absl::StatusOr<Features> features =
      ParseFeaturesJson(R"({"CRIM": 0.00632, "ZN": 18, "CHAS": 0})");
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(
      features->numeric,
      ElementsAre(Pair("CHAS", 0.0), Pair("CRIM", 0.00632), Pair("ZN", 18.0)));
}

TEST(ParseFeaturesJsonTest, EmptyObjectGivesEmptyMap) {
  absl::StatusOr<Features> features = ParseFeaturesJson("{}");
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_TRUE(features->numeric.empty());
}

TEST(ParseFeaturesJsonTest, RejectsNonObjectsAndNonNumbers) {
  for (const char* bad :
       {"", "[1, 2]", "3", R"({"CRIM": "abc"})", R"({"CRIM": [1]})",
        R"({"CRIM": 1)", R"({"CRIM": "NaN"})"}) {
    absl::StatusOr<Features> features = ParseFeaturesJson(bad);
    EXPECT_EQ(features.status().code(), absl::StatusCode::kInvalidArgument)
        << "input: " << bad;
  }
}

TEST(CategoricalFeaturesTest, AssignmentsAreReadByTheModelsKinds) {
  // "4" is a level of categorical "cyl" (a factor of numbers), a number
  // for numeric "wt"; a level may hold '=' and spaces inside.
  absl::StatusOr<Features> features = ParseFeatureAssignments(
      {"cyl=4", "wt=2.62", "ocean = NEAR BAY", "code=a=b"},
      {"cyl", "ocean", "code"});
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(features->numeric, ElementsAre(Pair("wt", 2.62)));
  EXPECT_THAT(features->categorical,
              ElementsAre(Pair("code", "a=b"), Pair("cyl", "4"),
                          Pair("ocean", "NEAR BAY")));
  EXPECT_THAT(ParseFeatureAssignments({"cyl="}, {"cyl"}).status().message(),
              HasSubstr("categorical feature \"cyl\": level is empty"));
  EXPECT_THAT(
      ParseFeatureAssignments({"cyl=4", "cyl=6"}, {"cyl"}).status().message(),
      HasSubstr("more than once"));
}

TEST(CategoricalFeaturesTest, JsonStringsAreLevelsOfCategoricalFeaturesOnly) {
  absl::StatusOr<Features> features = ParseFeaturesJson(
      R"({"Species": "setosa", "Petal.Width": "0.2", "Sepal.Width": 3.5})",
      {"Species"});
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(features->numeric,
              ElementsAre(Pair("Petal.Width", 0.2), Pair("Sepal.Width", 3.5)));
  EXPECT_THAT(features->categorical, ElementsAre(Pair("Species", "setosa")));
  EXPECT_THAT(
      ParseFeaturesJson(R"({"Species": 1})", {"Species"}).status().message(),
      HasSubstr("\"Species\" must be a JSON string"));
  EXPECT_THAT(
      ParseFeaturesJson(R"({"RM": "big"})", {"Species"}).status().message(),
      HasSubstr("\"big\" is not a number"));
}

}  // namespace
}  // namespace regserve::client
