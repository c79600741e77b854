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
  absl::StatusOr<FeatureMap> features =
      ParseFeatureAssignments({"CRIM=0.00632", "ZN=18", "NOX=-1e-3"});
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(*features, ElementsAre(Pair("CRIM", 0.00632), Pair("NOX", -1e-3),
                                     Pair("ZN", 18.0)));
}

TEST(ParseFeatureAssignmentsTest, IgnoresWhitespaceAroundNameAndValue) {
  absl::StatusOr<FeatureMap> features = ParseFeatureAssignments({" RM = 6.5 "});
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(*features, ElementsAre(Pair("RM", 6.5)));
}

TEST(ParseFeatureAssignmentsTest, EmptyListGivesEmptyMap) {
  absl::StatusOr<FeatureMap> features = ParseFeatureAssignments({});
  ASSERT_TRUE(features.ok());
  EXPECT_TRUE(features->empty());
}

TEST(ParseFeatureAssignmentsTest, SplitsOnlyOnFirstEquals) {
  FeatureMap features;
  absl::Status status = ParseFeatureAssignment("A==1", features);
  EXPECT_EQ(status.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(status.message()), HasSubstr("not a number"));
}

TEST(ParseFeatureAssignmentsTest, RejectsMalformedAssignments) {
  for (const char* bad : {"CRIM", "", "=1", "CRIM=", "CRIM=abc", "CRIM=1x",
                          "CRIM=nan", "CRIM=inf"}) {
    absl::StatusOr<FeatureMap> features = ParseFeatureAssignments({bad});
    EXPECT_EQ(features.status().code(), absl::StatusCode::kInvalidArgument)
        << "input: \"" << bad << "\"";
  }
}

TEST(ParseFeatureAssignmentsTest, RejectsDuplicateNames) {
  absl::StatusOr<FeatureMap> features =
      ParseFeatureAssignments({"CRIM=1", "CRIM=2"});
  EXPECT_EQ(features.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(std::string(features.status().message()),
              HasSubstr("more than once"));
}

TEST(ParseFeaturesJsonTest, ParsesObject) {
  absl::StatusOr<FeatureMap> features =
      ParseFeaturesJson(R"({"CRIM": 0.00632, "ZN": 18, "CHAS": 0})");
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_THAT(*features, ElementsAre(Pair("CHAS", 0.0), Pair("CRIM", 0.00632),
                                     Pair("ZN", 18.0)));
}

TEST(ParseFeaturesJsonTest, EmptyObjectGivesEmptyMap) {
  absl::StatusOr<FeatureMap> features = ParseFeaturesJson("{}");
  ASSERT_TRUE(features.ok()) << features.status();
  EXPECT_TRUE(features->empty());
}

TEST(ParseFeaturesJsonTest, RejectsNonObjectsAndNonNumbers) {
  for (const char* bad :
       {"", "[1, 2]", "3", R"({"CRIM": "abc"})", R"({"CRIM": [1]})",
        R"({"CRIM": 1)", R"({"CRIM": "NaN"})"}) {
    absl::StatusOr<FeatureMap> features = ParseFeaturesJson(bad);
    EXPECT_EQ(features.status().code(), absl::StatusCode::kInvalidArgument)
        << "input: " << bad;
  }
}

}  // namespace
}  // namespace regserve::client
