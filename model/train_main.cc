// regserve-train: fits a linear regression model from a CSV file and
// publishes it as a new version in a model repository.
#include <iostream>
#include <string>
#include <vector>

#include "absl/flags/flag.h"
#include "absl/flags/parse.h"
#include "absl/strings/str_split.h"
#include "common/program_usage.h"
#include "model/trainer.h"

ABSL_FLAG(std::string, data, "", "CSV file with a header row (required).");
ABSL_FLAG(std::string, target, "", "Name of the target column (required).");
ABSL_FLAG(std::vector<std::string>, features, {},
          "Comma-separated feature columns; default: every column but the "
          "target, in file order.");
ABSL_FLAG(std::vector<std::string>, categorical_features, {},
          "Comma-separated numeric columns to treat as factors (text columns "
          "always are); coded with R's treatment contrasts, levels in "
          "numeric order.");
ABSL_FLAG(std::string, model_name, "",
          "Model name in the repository "
          "(required).");
ABSL_FLAG(
    std::string, repository, "models",
    "Model repository root; the "
    "model is written to <repository>/<model_name>/<version>/model.json.");
ABSL_FLAG(int64_t, version, 0,
          "Version to publish; 0 = next free version. "
          "Existing versions are never overwritten.");
ABSL_FLAG(double, ridge_lambda, 0,
          "Ridge penalty on standardized features "
          "(intercept not penalized); 0 = ordinary least squares.");
ABSL_FLAG(int, cv_folds, 10,
          "Folds of deterministic k-fold cross-validation; "
          "0 = none.");
ABSL_FLAG(uint64_t, cv_seed, 42, "Seed of the cross-validation shuffle.");
ABSL_FLAG(bool, dry_run, false,
          "Fit and print the summary without "
          "publishing.");

int main(int argc, char** argv) {
  regserve::common::InitProgramUsage(
      "Fits a linear regression model and publishes it.\n"
      "  regserve-train --data data/boston_housing.csv --target MEDV "
      "--model_name boston_housing --repository models",
      __FILE__);
  absl::ParseCommandLine(argc, argv);

  regserve::model::TrainerOptions options;
  options.data_path = absl::GetFlag(FLAGS_data);
  options.target = absl::GetFlag(FLAGS_target);
  options.features = absl::GetFlag(FLAGS_features);
  options.categorical_features = absl::GetFlag(FLAGS_categorical_features);
  options.model_name = absl::GetFlag(FLAGS_model_name);
  options.repository = absl::GetFlag(FLAGS_repository);
  options.version = absl::GetFlag(FLAGS_version);
  options.ridge_lambda = absl::GetFlag(FLAGS_ridge_lambda);
  options.cv_folds = absl::GetFlag(FLAGS_cv_folds);
  options.cv_seed = absl::GetFlag(FLAGS_cv_seed);
  options.publish = !absl::GetFlag(FLAGS_dry_run);

  auto outcome = regserve::model::TrainAndPublish(options);
  if (!outcome.ok()) {
    std::cerr << "regserve-train: " << outcome.status().message() << "\n";
    return 1;
  }
  std::cout << outcome->summary;
  if (!outcome->artifact_path.empty()) {
    std::cout << "\nWrote " << outcome->artifact_path << "\n";
  }
  return 0;
}
