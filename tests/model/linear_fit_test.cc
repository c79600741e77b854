#include "model/linear_fit.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

using ::testing::HasSubstr;

// Relative agreement with R 4.2's lm(MEDV ~ ., data).
void ExpectRelNear(double got, double want, const std::string& what,
                   double tolerance = 1e-6) {
  EXPECT_LE(std::fabs(got - want), tolerance * std::fabs(want))
      << what << ": got " << got << ", R gives " << want;
}

TEST(LinearFitTest, OlsMatchesR) {
  auto fit = FitLinearRegression(testing::BostonTrainingSet(), {});
  ASSERT_TRUE(fit.ok()) << fit.status();
  const LinearModelParams& p = fit->params;
  EXPECT_EQ(p.model_type, "ols");
  ExpectRelNear(p.intercept, 36.45948839, "intercept");
  const double r_coef[] = {-0.1080113578,   0.04642045837, 0.02055862637,
                           2.686733819,     -17.76661123,  3.809865207,
                           0.0006922246403, -1.475566846,  0.3060494790,
                           -0.01233459392,  -0.9527472317, 0.009311683274,
                           -0.5247583779};
  ASSERT_EQ(p.coefficients.size(), 13);
  for (int j = 0; j < 13; ++j) {
    ExpectRelNear(p.coefficients[j], r_coef[j], p.feature_names[j]);
  }
  ExpectRelNear(p.residual_std_error, 4.745298182, "sigma");
  EXPECT_EQ(p.residual_df, 492);
  ExpectRelNear(fit->statistics.r_squared, 0.7406426641, "R2");
  ExpectRelNear(fit->statistics.adjusted_r_squared, 0.7337897264, "adj R2");
  ExpectRelNear(fit->statistics.rmse, 4.679191296, "RMSE");
  // summary(lm) prints standard errors to 5 significant digits.
  ExpectRelNear(fit->statistics.intercept_std_error, 5.103459, "se b0", 1e-5);
  ExpectRelNear(fit->statistics.coefficient_std_errors[12], 0.050715, "se",
                1e-4);
}

TEST(LinearFitTest, RecordsTrainingDomain) {
  auto fit = FitLinearRegression(testing::BostonTrainingSet(), {});
  ASSERT_TRUE(fit.ok());
  const ColumnDomain& chas = fit->params.feature_domains[3];
  EXPECT_EQ(chas.name, "CHAS");
  EXPECT_EQ(chas.min, 0);
  EXPECT_EQ(chas.max, 1);
  EXPECT_EQ(fit->params.target_domain.name, "MEDV");
  EXPECT_EQ(fit->params.target_domain.max, 50);
  ExpectRelNear(fit->params.target_domain.mean, 22.53280632, "mean MEDV");
}

TEST(LinearFitTest, DuplicatedColumnIsRankDeficientError) {
  TrainingSet set = testing::BostonTrainingSet();
  set.x.conservativeResize(Eigen::NoChange, 14);
  set.x.col(13) = 2 * set.x.col(5);
  set.feature_names.push_back("RM_TWICE");
  auto fit = FitLinearRegression(set, {});
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("rank deficient"));
  EXPECT_THAT(fit.status().message(),
              ::testing::AnyOf(HasSubstr("RM_TWICE"), HasSubstr("RM ")));
}

TEST(LinearFitTest, ConstantColumnIsNamed) {
  TrainingSet set = testing::BostonTrainingSet();
  set.x.col(3).setConstant(1.0);
  auto fit = FitLinearRegression(set, {});
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("feature CHAS is constant"));
}

TEST(LinearFitTest, NonFiniteInputIsNamedWithRow) {
  TrainingSet set = testing::BostonTrainingSet();
  set.x(9, 2) = std::nan("");
  auto fit = FitLinearRegression(set, {});
  ASSERT_FALSE(fit.ok());
  EXPECT_THAT(fit.status().message(), HasSubstr("feature INDUS row 10"));
  set = testing::BostonTrainingSet();
  set.y[0] = INFINITY;
  EXPECT_THAT(FitLinearRegression(set, {}).status().message(),
              HasSubstr("target MEDV row 1"));
}

TEST(LinearFitTest, TooFewRowsIsAnError) {
  TrainingSet set = testing::BostonTrainingSet();
  set.x.conservativeResize(14, Eigen::NoChange);
  set.y.conservativeResize(14);
  EXPECT_THAT(FitLinearRegression(set, {}).status().message(),
              HasSubstr("need more rows than features"));
}

TEST(LinearFitTest, RidgeWithZeroLambdaEqualsOls) {
  const TrainingSet set = testing::BostonTrainingSet();
  auto ols = FitLinearRegression(set, {});
  auto ridge0 = FitLinearRegression(set, {.ridge_lambda = 0.0});
  ASSERT_TRUE(ols.ok() && ridge0.ok());
  EXPECT_TRUE(
      ridge0->params.coefficients.isApprox(ols->params.coefficients, 1e-12));
}

TEST(LinearFitTest, LargerLambdaShrinksStandardizedCoefficients) {
  const TrainingSet set = testing::BostonTrainingSet();
  double previous = INFINITY;
  for (double lambda : {0.0, 1.0, 10.0, 100.0, 1000.0}) {
    auto fit = FitLinearRegression(set, {.ridge_lambda = lambda});
    ASSERT_TRUE(fit.ok()) << fit.status();
    Eigen::VectorXd sd(13);
    for (int j = 0; j < 13; ++j) sd[j] = fit->params.feature_domains[j].stddev;
    const double norm = fit->params.coefficients.cwiseProduct(sd).norm();
    EXPECT_LT(norm, previous) << "lambda " << lambda;
    previous = norm;
    if (lambda > 0) {
      EXPECT_EQ(fit->params.model_type, "ridge");
      EXPECT_GT(fit->params.residual_df, 492);  // fewer effective params
    }
  }
}

TEST(LinearFitTest, RidgeHandlesCollinearColumns) {
  TrainingSet set = testing::BostonTrainingSet();
  set.x.conservativeResize(Eigen::NoChange, 14);
  set.x.col(13) = set.x.col(5);
  set.feature_names.push_back("RM_COPY");
  auto fit = FitLinearRegression(set, {.ridge_lambda = 1.0});
  ASSERT_TRUE(fit.ok()) << fit.status();
  EXPECT_NEAR(fit->params.coefficients[5], fit->params.coefficients[13], 1e-9);
}

TEST(LinearFitTest, NegativeLambdaIsRejected) {
  EXPECT_FALSE(
      FitLinearRegression(testing::BostonTrainingSet(), {.ridge_lambda = -1})
          .ok());
}

TEST(SelectColumnsTest, NamesUnknownColumns) {
  auto data = ParseCsv("a,b,y\n1,2,3\n", "f.csv");
  ASSERT_TRUE(data.ok());
  EXPECT_THAT(SelectColumns(*data, "z", {}).status().message(),
              HasSubstr("target column 'z'"));
  EXPECT_THAT(SelectColumns(*data, "y", {"a", "q"}).status().message(),
              HasSubstr("feature 'q'"));
  EXPECT_FALSE(SelectColumns(*data, "y", {"a", "a"}).ok());
  EXPECT_FALSE(SelectColumns(*data, "y", {"y"}).ok());
  auto set = SelectColumns(*data, "y", {"b"});
  ASSERT_TRUE(set.ok());
  EXPECT_EQ(set->x(0, 0), 2);
}

}  // namespace
}  // namespace regserve::model
