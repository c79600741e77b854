#include "model/dataset.h"

#include <cmath>

#include "gmock/gmock.h"
#include "gtest/gtest.h"
#include "tests/test_util.h"

namespace regserve::model {
namespace {

using ::testing::HasSubstr;

TEST(DatasetTest, ParsesHeaderAndNumbers) {
  auto data = ParseCsv("a,b\n1,2.5\n-3,4e2\n", "mem.csv");
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_THAT(data->columns, ::testing::ElementsAre("a", "b"));
  ASSERT_EQ(data->values.rows(), 2);
  EXPECT_EQ(data->values(1, 0), -3);
  EXPECT_EQ(data->values(1, 1), 400);
  EXPECT_EQ(data->ColumnIndex("b"), 1);
  EXPECT_FALSE(data->ColumnIndex("c").has_value());
  EXPECT_EQ(data->sha256.size(), 64u);
}

TEST(DatasetTest, AcceptsCrlfAndTrailingNewlines) {
  auto data = ParseCsv("a,b\r\n1,2\r\n\n", "mem.csv");
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->values.rows(), 1);
}

// A column with a cell that is not a number holds text, as R's read.csv
// makes it character; the trainer codes it as a factor.
TEST(DatasetTest, NonNumericCellMakesATextColumn) {
  auto data = ParseCsv("a,b\n1,2\n3,x\n", "prices.csv");
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_FALSE(data->IsText(0));
  ASSERT_TRUE(data->IsText(1));
  EXPECT_EQ(data->text[1], (std::vector<std::string>{"2", "x"}));
  EXPECT_TRUE(std::isnan(data->values(0, 1)));
}

TEST(DatasetTest, BadCellNamesFileLineAndColumn) {
  auto data = ParseCsv("a,b\n1,2\n3,inf\n", "prices.csv");
  ASSERT_FALSE(data.ok());
  EXPECT_THAT(data.status().message(), HasSubstr("prices.csv:3"));
  EXPECT_THAT(data.status().message(), HasSubstr("column b"));
  EXPECT_THAT(data.status().message(), HasSubstr("'inf'"));
}

TEST(DatasetTest, RejectsNonFiniteCells) {
  for (const char* bad : {"nan", "inf", "-inf", ""}) {
    auto data = ParseCsv(std::string("a\n") + bad + "\n1\n", "f.csv");
    EXPECT_FALSE(data.ok()) << bad;
  }
}

TEST(DatasetTest, RejectsRaggedRowsAndBadHeaders) {
  EXPECT_THAT(ParseCsv("a,b\n1\n", "f.csv").status().message(),
              HasSubstr("f.csv:2: expected 2 cells, found 1"));
  EXPECT_THAT(ParseCsv("a,a\n1,2\n", "f.csv").status().message(),
              HasSubstr("duplicate column name 'a'"));
  EXPECT_THAT(ParseCsv("a,\n1,2\n", "f.csv").status().message(),
              HasSubstr("empty column name"));
  EXPECT_FALSE(ParseCsv("", "f.csv").ok());
}

TEST(DatasetTest, ReadsTheShippedBostonData) {
  auto data = ReadCsvFile(testing::SourcePath("data/boston_housing.csv"));
  ASSERT_TRUE(data.ok()) << data.status();
  EXPECT_EQ(data->values.rows(), 506);
  EXPECT_EQ(data->columns.size(), 14u);
  EXPECT_EQ(data->columns.back(), "MEDV");
}

TEST(DatasetTest, MissingFileIsNotFound) {
  EXPECT_EQ(ReadCsvFile("/nonexistent/x.csv").status().code(),
            absl::StatusCode::kNotFound);
}

}  // namespace
}  // namespace regserve::model
