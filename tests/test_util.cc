#include "tests/test_util.h"

#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "absl/time/clock.h"
#include "gtest/gtest.h"
#include "model/artifact.h"
#include "model/artifact_store.h"
#include "model/dataset.h"

namespace regserve::testing {

bool WaitUntil(const std::function<bool()>& done, absl::Duration timeout) {
  const absl::Time end = absl::Now() + timeout;
  absl::Duration pause = absl::Milliseconds(1);
  while (!done()) {
    if (absl::Now() >= end) return false;
    absl::SleepFor(pause);
    pause = std::min(2 * pause, absl::Milliseconds(20));
  }
  return true;
}

std::string SourcePath(const std::string& relative) {
  return std::string(REGSERVE_SOURCE_DIR) + "/" + relative;
}

TempDir::TempDir() {
  std::string pattern =
      (std::filesystem::temp_directory_path() / "regserve-test-XXXXXX")
          .string();
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
  return {0.00632, 18, 2.31, 0,    0.538, 6.575, 65.2,
          4.09,    1,  296,  15.3, 396.9, 4.98};
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

std::string PublishTinyModel(const std::string& repository,
                             const std::string& name, int64_t version,
                             double intercept, double slope_a, double slope_b) {
  model::TrainingSet set;
  set.feature_names = {"a", "b"};
  set.target_name = "y";
  set.x.resize(50, 2);
  set.y.resize(50);
  for (int i = 0; i < 50; ++i) {
    set.x(i, 0) = i;
    set.x(i, 1) = (i * 7) % 11;
    set.y[i] = intercept + slope_a * set.x(i, 0) + slope_b * set.x(i, 1) +
               0.01 * ((i * 13) % 5 - 2);
  }
  auto fit = model::FitLinearRegression(set, {});
  EXPECT_TRUE(fit.ok()) << fit.status();
  fit->params.name = name;
  fit->params.version = version;
  auto artifact = model::BuildArtifact(*fit, set, {"synthetic", "", 0, 0, 0},
                                       std::nullopt, absl::Now());
  auto path = model::PublishArtifact(repository, artifact);
  EXPECT_TRUE(path.ok()) << path.status();
  return path.ok() ? *path : "";
}

}  // namespace regserve::testing
