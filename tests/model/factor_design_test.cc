// Factors coded as R's lm codes them (treatment contrasts), and parity with
// R 4.2 on iris: lm(Sepal.Length ~ ., iris).
#include "model/factor_design.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "model/cross_validation.h"
#include "model/dataset.h"
#include "model/linear_fit.h"
#include "model/summary.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

void ExpectRelNear(double got, double want, const std::string& what) {
  EXPECT_LE(std::fabs(got - want), 1e-6 * std::fabs(want))
      << what << ": got " << got << ", R gives " << want;
}

TrainingSet Iris() {
  auto data = ReadCsvFile(testing::SourcePath("data/iris.csv"));
  EXPECT_TRUE(data.ok()) << data.status();
  auto set = SelectColumns(*data, "Sepal.Length", {});
  EXPECT_TRUE(set.ok()) << set.status();
  return *set;
}

TEST(FactorDesignTest, LevelsInROrder) {
  // Text: byte order, as R's sort() in the C locale ("B" < "a").
  EXPECT_THAT(FactorLevels({"b", "a", "B", "a"}, false),
              ElementsAre("B", "a", "b"));
  // Numbers forced to a factor: numeric order, not text order.
  EXPECT_THAT(FactorLevels({"10", "9", "0.5", "9"}, true),
              ElementsAre("0.5", "9", "10"));
  EXPECT_EQ(NumericLevel(4.0), "4");
}

TEST(FactorDesignTest, OneLevelIsAnErrorNamingTheFactor) {
  auto data = ParseCsv("y,x,g\n1,2,a\n2,3,a\n3,5,a\n4,4,a\n", "one.csv");
  ASSERT_TRUE(data.ok()) << data.status();
  auto set = SelectColumns(*data, "y", {});
  ASSERT_FALSE(set.ok());
  EXPECT_THAT(set.status().message(),
              HasSubstr("factor 'g' has 1 level 'a': contrasts can be "
                        "applied only to factors with 2 or more levels"));
  auto forced = SelectColumns(*data, "y", {}, {"nope"});
  EXPECT_THAT(forced.status().message(),
              HasSubstr("categorical feature 'nope' is not one of"));
  EXPECT_THAT(SelectColumns(*data, "g", {"x"}).status().message(),
              HasSubstr("target column 'g' holds text"));
}

TEST(FactorDesignTest, IrisMatchesRLm) {
  const TrainingSet set = Iris();
  EXPECT_THAT(set.feature_names,
              ElementsAre("Sepal.Width", "Petal.Length", "Petal.Width",
                          "Speciesversicolor", "Speciesvirginica"));
  ASSERT_EQ(set.factors.size(), 1u);
  EXPECT_THAT(set.factors[0].levels,
              ElementsAre("setosa", "versicolor", "virginica"));
  EXPECT_THAT(set.factors[0].counts, ElementsAre(50, 50, 50));
  EXPECT_THAT(set.factors[0].term_indices, ElementsAre(3, 4));
  auto fit = FitLinearRegression(set, {});
  ASSERT_TRUE(fit.ok()) << fit.status();
  const LinearModelParams& p = fit->params;
  ExpectRelNear(p.intercept, 2.1712662922, "intercept");
  const double r_coef[] = {0.4958889384, 0.8292439122, -0.3151551733,
                           -0.7235619578, -1.0234978145};
  for (int j = 0; j < 5; ++j) {
    ExpectRelNear(p.coefficients[j], r_coef[j], p.feature_names[j]);
  }
  ExpectRelNear(p.residual_std_error, 0.3068261031, "sigma");
  EXPECT_NEAR(p.residual_df, 144, 1e-9);
  ExpectRelNear(fit->statistics.r_squared, 0.8673122616, "R2");
  // Fitted values and 90% prediction intervals of rows 1, 51 and 101.
  LinearModelParams named = p;
  named.name = "iris";
  auto model = LinearModel::Create(named);
  ASSERT_TRUE(model.ok()) << model.status();
  const struct {
    int row;
    double fitted, lower, upper;
  } r_rows[] = {{0, 5.004788019, 4.491452051, 5.518123987},
                {50, 6.490778082, 5.973983812, 7.007572352},
                {100, 6.971777514, 6.449631035, 7.493923994}};
  for (const auto& r : r_rows) {
    const Eigen::VectorXd x = set.x.row(r.row);
    const std::string what = "row " + std::to_string(r.row + 1);
    ExpectRelNear(model->Predict(x), r.fitted, what);
    const Interval pi = model->PredictionInterval(x, 0.90);
    ExpectRelNear(pi.lower, r.lower, what + " lower");
    ExpectRelNear(pi.upper, r.upper, what + " upper");
  }
}

TEST(FactorDesignTest, ArtifactKeepsTheFactorAndSummaryPrintsItsRows) {
  const TrainingSet set = Iris();
  auto fit = FitLinearRegression(set, {});
  ASSERT_TRUE(fit.ok()) << fit.status();
  fit->params.name = "iris";
  fit->params.version = 1;
  const v1::LinearModel artifact =
      BuildArtifact(*fit, set, {}, std::nullopt, absl::UnixEpoch());
  EXPECT_EQ(artifact.format_version(), kCategoricalFormatVersion);
  EXPECT_THAT(artifact.input_names(), ElementsAre("Sepal.Width", "Petal.Length",
                                                  "Petal.Width", "Species"));
  auto model = ModelFromArtifact(artifact);
  ASSERT_TRUE(model.ok()) << model.status();
  EXPECT_EQ(model->params().factors.size(), 1u);
  // A reader must not take version 1 with factors, nor 2 without.
  v1::LinearModel old = artifact;
  old.set_format_version(1);
  EXPECT_THAT(ModelFromArtifact(old).status().message(),
              HasSubstr("expected 2 for a model with categorical features"));
  // A term index that names another term is refused.
  v1::LinearModel bad = artifact;
  bad.mutable_categorical_features(0)->set_term_indices(0, 0);
  EXPECT_THAT(ModelFromArtifact(bad).status().message(),
              HasSubstr("term 0 is 'Sepal.Width', expected "
                        "'Speciesversicolor'"));
  const std::string summary = FormatSummary(artifact);
  EXPECT_THAT(summary, HasSubstr("Speciesversicolor"));
  EXPECT_THAT(summary, HasSubstr("Speciesvirginica"));
}

// A level absent from a fold's training rows: its indicator is all zeros
// there, so the fold is fitted without it (the level predicts as the
// baseline) instead of failing on a constant column.
TEST(FactorDesignTest, CrossValidationToleratesALevelAbsentFromAFold) {
  std::string csv = "y,x,g\n";
  for (int i = 0; i < 40; ++i) {
    csv += std::to_string(i % 7 + 0.5 * i) + "," + std::to_string(i) + "," +
           (i == 39 ? "rare" : (i % 2 ? "a" : "b")) + "\n";
  }
  auto data = ParseCsv(csv, "rare.csv");
  ASSERT_TRUE(data.ok()) << data.status();
  auto set = SelectColumns(*data, "y", {});
  ASSERT_TRUE(set.ok()) << set.status();
  auto cv = CrossValidate(*set, {}, 5, 42);
  ASSERT_TRUE(cv.ok()) << cv.status();
  EXPECT_TRUE(std::isfinite(cv->rmse));
}

// The rare level sorts first, so it is the baseline: a fold without it
// would have indicators that sum to the intercept's column (rank
// deficient); the first level present becomes that fold's baseline.
TEST(FactorDesignTest, CrossValidationToleratesTheBaselineAbsentFromAFold) {
  for (const char* levels : {"abc", "ab"}) {  // 2 and 3 other levels
    std::string csv = "y,x,g\n";
    const int others = static_cast<int>(std::string(levels).size());
    for (int i = 0; i < 40; ++i) {
      const std::string level =
          i == 39 ? "0rare" : std::string(1, levels[i % others]);
      csv += std::to_string(i % 7 + 0.5 * i) + "," + std::to_string(i) + "," +
             level + "\n";
    }
    auto data = ParseCsv(csv, "rare_baseline.csv");
    ASSERT_TRUE(data.ok()) << data.status();
    auto set = SelectColumns(*data, "y", {});
    ASSERT_TRUE(set.ok()) << set.status();
    ASSERT_EQ(set->factors[0].levels[0], "0rare");
    auto cv = CrossValidate(*set, {}, 5, 42);
    ASSERT_TRUE(cv.ok()) << levels << ": " << cv.status();
    EXPECT_TRUE(std::isfinite(cv->rmse));
  }
}

}  // namespace
}  // namespace regserve::model
