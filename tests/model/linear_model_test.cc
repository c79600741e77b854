#include "model/linear_model.h"

#include <cmath>
#include <numeric>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/linear_fit.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

void ExpectRelNear(double got, double want) {
  EXPECT_LE(std::fabs(got - want), 1e-6 * std::fabs(want))
      << "got " << got << ", R gives " << want;
}

class LinearModelTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fit = FitLinearRegression(testing::BostonTrainingSet(), {});
    ASSERT_TRUE(fit.ok()) << fit.status();
    fit->params.name = "boston";
    fit->params.version = 1;
    auto model = LinearModel::Create(fit->params);
    ASSERT_TRUE(model.ok()) << model.status();
    model_.emplace(*std::move(model));
  }
  std::optional<LinearModel> model_;
};

TEST_F(LinearModelTest, Row1MatchesRFittedValueAndIntervals) {
  const std::vector<double> row = testing::BostonRow1();
  ExpectRelNear(model_->Predict(row), 30.00384338);
  const Interval pi = model_->PredictionInterval(row, 0.95);
  ExpectRelNear(pi.lower, 20.60172555);
  ExpectRelNear(pi.upper, 39.4059612);
  const Interval ci = model_->ConfidenceInterval(row, 0.95);
  ExpectRelNear(ci.lower, 28.7908934);
  ExpectRelNear(ci.upper, 31.21679335);
}

TEST_F(LinearModelTest, UncachedLevelsUseTheExactQuantile) {
  const std::vector<double> row = testing::BostonRow1();
  const Interval a = model_->PredictionInterval(row, 0.95);
  const Interval b = model_->PredictionInterval(row, 0.9500000001);
  EXPECT_NEAR(a.upper, b.upper, 1e-6);
  EXPECT_GT(model_->TQuantile(0.99), model_->TQuantile(0.95));
  // qt(0.975, 492) in R.
  EXPECT_NEAR(model_->TQuantile(0.95), 1.964797, 1e-6);
}

TEST_F(LinearModelTest, ContributionsSumToPrediction) {
  const std::vector<double> row = testing::BostonRow1();
  std::vector<double> contributions(13);
  model_->Contributions(row, absl::MakeSpan(contributions));
  const double sum =
      std::accumulate(contributions.begin(), contributions.end(), 0.0);
  EXPECT_NEAR(model_->Baseline() + sum, model_->Predict(row), 1e-9);
  // The baseline is the prediction at the training means: mean of MEDV.
  EXPECT_NEAR(model_->Baseline(), 22.53280632, 1e-6);
}

TEST_F(LinearModelTest, BatchEqualsRowByRow) {
  const TrainingSet set = testing::BostonTrainingSet();
  const RowMajorMatrix x = set.x;
  Eigen::VectorXd out(x.rows());
  model_->PredictBatch(x, out);
  for (Eigen::Index r = 0; r < x.rows(); ++r) {
    std::vector<double> row(x.row(r).data(), x.row(r).data() + 13);
    EXPECT_NEAR(out[r], model_->Predict(row), 1e-9);
  }
}

TEST_F(LinearModelTest, PermutedColumnsGiveTheSamePredictions) {
  const TrainingSet set = testing::BostonTrainingSet();
  std::vector<int> column_to_feature(13);
  std::iota(column_to_feature.rbegin(), column_to_feature.rend(), 0);
  const RowMajorMatrix reversed = set.x.rowwise().reverse();
  Eigen::VectorXd permuted(reversed.rows()), plain(reversed.rows());
  model_->PredictPermuted(reversed, column_to_feature, permuted);
  model_->PredictBatch(set.x, plain);
  EXPECT_TRUE(permuted.isApprox(plain, 1e-12));
}

TEST_F(LinearModelTest, FeatureIndexFollowsModelOrder) {
  EXPECT_EQ(model_->FeatureIndex("CRIM"), 0);
  EXPECT_EQ(model_->FeatureIndex("LSTAT"), 12);
  EXPECT_FALSE(model_->FeatureIndex("PRICE").has_value());
}

TEST_F(LinearModelTest, CreateRejectsInconsistentParams) {
  LinearModelParams p = model_->params();
  p.coefficients.conservativeResize(12);
  EXPECT_THAT(LinearModel::Create(p).status().message(),
              ::testing::HasSubstr("13 features but 12 coefficients"));
  p = model_->params();
  p.feature_names[1] = "CRIM";
  EXPECT_THAT(LinearModel::Create(p).status().message(),
              ::testing::HasSubstr("duplicate feature name 'CRIM'"));
  p = model_->params();
  p.intercept = NAN;
  EXPECT_THAT(LinearModel::Create(p).status().message(),
              ::testing::HasSubstr("intercept is not finite"));
  p = model_->params();
  p.residual_df = 0;
  EXPECT_FALSE(LinearModel::Create(p).ok());
}

}  // namespace
}  // namespace regserve::model
