#include "tests/test_util.h"

#include <stdlib.h>

#include <filesystem>

#include "gtest/gtest.h"
#include "model/dataset.h"

namespace regserve::testing {

std::string SourcePath(const std::string& relative) {
  return std::string(REGSERVE_SOURCE_DIR) + "/" + relative;
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "regserve-test-XXXXXX").string();
  if (::mkdtemp(pattern.data()) == nullptr) {
    ADD_FAILURE() << "mkdtemp failed";
  }
  path_ = pattern;
}

TempDir::~TempDir() {
  std::error_code ec;
  std::filesystem::remove_all(path_, ec);
}

std::vector<double> BostonRow1() {
  return {0.00632, 18, 2.31, 0, 0.538, 6.575, 65.2, 4.09, 1, 296, 15.3, 396.9,
          4.98};
}

std::vector<std::string> BostonFeatureNames() {
  return {"CRIM", "ZN",  "INDUS", "CHAS",    "NOX", "RM",   "AGE",
          "DIS",  "RAD", "TAX",   "PTRATIO", "B",   "LSTAT"};
}

model::TrainingSet BostonTrainingSet() {
  auto data = model::ReadCsvFile(SourcePath("data/boston_housing.csv"));
  EXPECT_TRUE(data.ok()) << data.status();
  auto set = model::SelectColumns(*data, "MEDV", {});
  EXPECT_TRUE(set.ok()) << set.status();
  return *std::move(set);
}

}  // namespace regserve::testing
