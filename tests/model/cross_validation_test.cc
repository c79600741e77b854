#include "model/cross_validation.h"

#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

TEST(CrossValidationTest, IsDeterministicForASeed) {
  const TrainingSet set = testing::BostonTrainingSet();
  auto a = CrossValidate(set, {}, 10, 42);
  auto b = CrossValidate(set, {}, 10, 42);
  auto c = CrossValidate(set, {}, 10, 7);
  ASSERT_TRUE(a.ok() && b.ok() && c.ok());
  EXPECT_EQ(a->rmse, b->rmse);
  EXPECT_EQ(a->r_squared, b->r_squared);
  EXPECT_NE(a->rmse, c->rmse);
}

TEST(CrossValidationTest, HeldOutErrorIsWorseThanTrainingError) {
  const TrainingSet set = testing::BostonTrainingSet();
  auto cv = CrossValidate(set, {}, 5, 1);
  ASSERT_TRUE(cv.ok()) << cv.status();
  EXPECT_EQ(cv->folds, 5);
  EXPECT_GT(cv->rmse, 4.679191296);  // training RMSE
  EXPECT_LT(cv->rmse, 6.0);
  EXPECT_GT(cv->r_squared, 0.6);
  EXPECT_LT(cv->r_squared, 0.7406426641);
  EXPECT_GT(cv->mae, 0);
}

TEST(CrossValidationTest, RejectsBadFoldCounts) {
  const TrainingSet set = testing::BostonTrainingSet();
  EXPECT_FALSE(CrossValidate(set, {}, 1, 1).ok());
  EXPECT_FALSE(CrossValidate(set, {}, 507, 1).ok());
}

}  // namespace
}  // namespace regserve::model
