#include "server/serving/feature_mapper.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/linear_fit.h"
#include "server/serving/table_mapper.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

using ::testing::HasSubstr;

class FeatureMapperTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto fit = model::FitLinearRegression(testing::BostonTrainingSet(), {});
    ASSERT_TRUE(fit.ok());
    fit->params.name = "boston";
    fit->params.version = 1;
    model_.emplace(*model::LinearModel::Create(fit->params));
  }
  google::protobuf::Map<std::string, double> Row1() const {
    google::protobuf::Map<std::string, double> m;
    for (size_t j = 0; j < 13; ++j) {
      m[testing::BostonFeatureNames()[j]] = testing::BostonRow1()[j];
    }
    return m;
  }
  regserve::v1::Table Table(std::vector<std::string> cols, int rows) const {
    regserve::v1::Table t;
    for (auto& c : cols) t.add_columns(c);
    for (int i = 0; i < rows * static_cast<int>(cols.size()); ++i) {
      t.add_values(i);
    }
    return t;
  }
  std::optional<model::LinearModel> model_;
};

TEST_F(FeatureMapperTest, MapsNamesToModelOrder) {
  std::vector<double> row(13);
  ASSERT_TRUE(
      MapNamedFeatures(*model_, Row1(), {}, "", absl::MakeSpan(row), nullptr)
          .ok());
  EXPECT_EQ(row, testing::BostonRow1());
}

TEST_F(FeatureMapperTest, ListsEveryMissingAndUnknownName) {
  auto features = Row1();
  features.erase("RM");
  features.erase("LSTAT");
  features["ROOMS"] = 6;
  features["AAA"] = 1;
  std::vector<double> row(13);
  absl::Status s = MapNamedFeatures(*model_, features, {}, "rows[4]",
                                    absl::MakeSpan(row), nullptr);
  EXPECT_EQ(s.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_EQ(s.message(),
            "rows[4]: missing features [RM, LSTAT]; unknown features [AAA, "
            "ROOMS]");
}

TEST_F(FeatureMapperTest, NamesNonFiniteFeature) {
  auto features = Row1();
  features["NOX"] = std::nan("");
  std::vector<double> row(13);
  absl::Status s =
      MapNamedFeatures(*model_, features, {}, "", absl::MakeSpan(row), nullptr);
  EXPECT_THAT(s.message(), HasSubstr("feature NOX is not a finite number"));
}

TEST_F(FeatureMapperTest, TableInModelOrderAndPermuted) {
  auto names = testing::BostonFeatureNames();
  auto layout = MapTableColumns(*model_, Table(names, 2));
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_TRUE(layout->in_model_order);
  EXPECT_EQ(layout->rows, 2);
  std::swap(names[0], names[12]);
  auto permuted = MapTableColumns(*model_, Table(names, 3));
  ASSERT_TRUE(permuted.ok());
  EXPECT_FALSE(permuted->in_model_order);
  EXPECT_EQ(permuted->column_to_feature[0], 12);
  std::vector<double> row(13);
  const auto table = Table(names, 3);
  Eigen::Map<const model::RowMajorMatrix> x(table.values().data(), 3, 13);
  GatherRow(x, permuted->column_to_feature, 1, absl::MakeSpan(row));
  EXPECT_EQ(row[12], 13);  // row 1, column 0 (LSTAT) holds value 13
  EXPECT_EQ(row[0], 25);
}

TEST_F(FeatureMapperTest, TableErrorsNameTheProblem) {
  auto names = testing::BostonFeatureNames();
  auto t = Table(names, 2);
  t.add_values(1);
  EXPECT_THAT(MapTableColumns(*model_, t).status().message(),
              HasSubstr("27 values, not a multiple of its 13 columns"));
  auto dup = names;
  dup[1] = "CRIM";
  EXPECT_THAT(MapTableColumns(*model_, Table(dup, 1)).status().message(),
              HasSubstr("duplicate column CRIM"));
  auto unknown = names;
  unknown[2] = "FOO";
  EXPECT_THAT(MapTableColumns(*model_, Table(unknown, 1)).status().message(),
              HasSubstr("missing features [INDUS]; unknown features [FOO]"));
  t = Table(names, 3);
  t.set_values(2 * 13 + 5, INFINITY);
  EXPECT_THAT(MapTableColumns(*model_, t).status().message(),
              HasSubstr("table row 2: feature RM is not a finite number"));
  EXPECT_FALSE(MapTableColumns(*model_, regserve::v1::Table()).ok());
}

}  // namespace
}  // namespace regserve::server
