// Tests of client/repeated_flags.h: merging repeated --feature flags.
#include "client/repeated_flags.h"

#include <string>
#include <vector>

#include "gmock/gmock.h"
#include "gtest/gtest.h"

namespace regserve::client {
namespace {

using ::testing::ElementsAre;
using Args = std::vector<std::string>;

TEST(MergeRepeatedFlagTest, LeavesSingleOccurrenceAlone) {
  const Args args = {"cli", "--feature", "A=1", "predict"};
  EXPECT_EQ(MergeRepeatedFlag(args, "feature"), args);
}

TEST(MergeRepeatedFlagTest, MergesEveryFormAtFirstPosition) {
  const Args args = {"cli", "--target=x",        "--feature",
                     "A=1", "predict",           "-feature",
                     "B=2", "--feature=C=3,D=4", "-feature=E=5"};
  EXPECT_THAT(MergeRepeatedFlag(args, "feature"),
              ElementsAre("cli", "--target=x", "--feature=A=1,B=2,C=3,D=4,E=5",
                          "predict"));
}

TEST(MergeRepeatedFlagTest, IgnoresOtherFlagsWithTheSamePrefix) {
  const Args args = {"cli", "--features_json={}", "--feature=A=1",
                     "--feature=B=2"};
  EXPECT_THAT(MergeRepeatedFlag(args, "feature"),
              ElementsAre("cli", "--features_json={}", "--feature=A=1,B=2"));
}

TEST(MergeRepeatedFlagTest, StopsAtDoubleDash) {
  const Args args = {"cli", "--feature=A=1", "--feature=B=2", "--",
                     "--feature=C=3"};
  EXPECT_THAT(MergeRepeatedFlag(args, "feature"),
              ElementsAre("cli", "--feature=A=1,B=2", "--", "--feature=C=3"));
}

TEST(MergeRepeatedFlagTest, KeepsTrailingBareFlagForAbseilToReport) {
  const Args args = {"cli", "--feature=A=1", "--feature=B=2", "--feature"};
  EXPECT_THAT(MergeRepeatedFlag(args, "feature"),
              ElementsAre("cli", "--feature=A=1,B=2", "--feature"));
}

}  // namespace
}  // namespace regserve::client
