// Tables and named features of a model with a categorical feature (the
// shipped iris model) mapped onto its terms: levels as indicators, every
// shape and kind mistake refused by name.
#include "server/serving/table_mapper.h"

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "server/serving/feature_mapper.h"
#include "tests/test_util.h"

namespace regserve::server {
namespace {

using ::testing::ElementsAre;
using ::testing::HasSubstr;

class CategoricalMappingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    auto artifact = model::ReadArtifactFile(
        testing::SourcePath("models/iris/1/model.json"));
    ASSERT_TRUE(artifact.ok()) << artifact.status();
    auto loaded = model::ModelFromArtifact(*artifact);
    ASSERT_TRUE(loaded.ok()) << loaded.status();
    model_.emplace(*std::move(loaded));
  }

  // Two rows: (3.5, 1.4, 0.2, setosa) and (3.3, 6.0, 2.5, virginica), the
  // numeric columns in the order given.
  static regserve::v1::Table Table() {
    regserve::v1::Table t;
    for (const char* c : {"Petal.Width", "Sepal.Width", "Petal.Length"}) {
      t.add_columns(c);
    }
    for (double v : {0.2, 3.5, 1.4, 2.5, 3.3, 6.0}) t.add_values(v);
    t.add_categorical_columns("Species");
    t.add_categorical_values("setosa");
    t.add_categorical_values("virginica");
    return t;
  }

  std::optional<model::LinearModel> model_;
};

TEST_F(CategoricalMappingTest, InputsAndTermsOfTheModel) {
  const model::InputEncoding& inputs = model_->inputs();
  EXPECT_TRUE(inputs.has_factors());
  EXPECT_THAT(inputs.input_names(), ElementsAre("Sepal.Width", "Petal.Length",
                                                "Petal.Width", "Species"));
  EXPECT_THAT(inputs.numeric_terms(), ElementsAre(0, 1, 2));
  EXPECT_EQ(inputs.LevelTerm(0, "setosa"), -1);  // the baseline
  EXPECT_EQ(inputs.LevelTerm(0, "virginica"), 4);
  EXPECT_EQ(inputs.LevelTerm(0, "Setosa"), std::nullopt);
  EXPECT_EQ(inputs.Find("Speciesvirginica"), nullptr);  // a term, no input
}

TEST_F(CategoricalMappingTest, TableBecomesTheModelsTerms) {
  const regserve::v1::Table table = Table();
  auto layout = MapTableColumns(*model_, table);
  ASSERT_TRUE(layout.ok()) << layout.status();
  EXPECT_EQ(layout->rows, 2);
  EXPECT_FALSE(layout->in_model_order);
  const model::RowMajorMatrix terms = TermMatrix(*model_, table, *layout);
  ASSERT_EQ(terms.cols(), 5);
  EXPECT_THAT(std::vector<double>(terms.row(0).begin(), terms.row(0).end()),
              ElementsAre(3.5, 1.4, 0.2, 0, 0));
  EXPECT_THAT(std::vector<double>(terms.row(1).begin(), terms.row(1).end()),
              ElementsAre(3.3, 6.0, 2.5, 0, 1));
}

TEST_F(CategoricalMappingTest, TableShapesAreCheckedPerPart) {
  regserve::v1::Table t = Table();
  t.add_categorical_values("setosa");  // 3 levels, 2 numeric rows
  EXPECT_EQ(MapTableColumns(*model_, t).status().message(),
            "table.values has 2 rows but table.categorical_values has 3");
  t = Table();
  t.clear_categorical_columns();
  EXPECT_EQ(MapTableColumns(*model_, t).status().message(),
            "table.categorical_values has 2 values but "
            "table.categorical_columns is empty");
  t.clear_categorical_values();
  EXPECT_EQ(MapTableColumns(*model_, t).status().message(),
            "table.categorical_columns: missing features [Species]");
  t.add_categorical_columns("Colour");
  t.add_categorical_values("red");
  t.add_categorical_values("red");
  t.set_columns(2, "Petal.Len");
  EXPECT_EQ(MapTableColumns(*model_, t).status().message(),
            "table.columns: missing features [Petal.Length]; unknown features "
            "[Petal.Len]; table.categorical_columns: missing features "
            "[Species]; unknown features [Colour]");
  t = Table();
  t.set_columns(0, "Species");
  EXPECT_EQ(MapTableColumns(*model_, t).status().message(),
            "table.columns: feature Species is categorical: send its level "
            "as a string in table.categorical_columns");
  t = Table();
  t.add_categorical_columns("Species");
  t.add_categorical_values("setosa");
  t.add_categorical_values("setosa");
  EXPECT_EQ(MapTableColumns(*model_, t).status().message(),
            "table.categorical_columns: duplicate column Species");
}

TEST_F(CategoricalMappingTest, NamedFeaturesSetIndicators) {
  google::protobuf::Map<std::string, double> x;
  x["Sepal.Width"] = 3.2;
  x["Petal.Length"] = 4.7;
  x["Petal.Width"] = 1.4;
  google::protobuf::Map<std::string, std::string> levels;
  levels["Species"] = "versicolor";
  std::vector<double> row(5, -1);
  ASSERT_TRUE(
      MapNamedFeatures(*model_, x, levels, "", absl::MakeSpan(row), nullptr)
          .ok());
  EXPECT_THAT(row, ElementsAre(3.2, 4.7, 1.4, 1, 0));
  levels["Species"] = "setosa";
  ASSERT_TRUE(
      MapNamedFeatures(*model_, x, levels, "", absl::MakeSpan(row), nullptr)
          .ok());
  EXPECT_THAT(row, ElementsAre(3.2, 4.7, 1.4, 0, 0));
  levels["Colour"] = "red";
  EXPECT_EQ(MapNamedFeatures(*model_, x, levels, "rows[2]", absl::MakeSpan(row),
                             nullptr)
                .message(),
            "rows[2]: unknown features [Colour]");
}

}  // namespace
}  // namespace regserve::server
