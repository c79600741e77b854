// Bytes -> ParseArtifactJson -> ModelFromArtifact (what loading a model.json
// from the repository does), then the serving math on the loaded model: a
// model that validates must predict, explain and give intervals safely.
#include <cmath>
#include <cstddef>
#include <cstdint>
#include <vector>

#include "absl/strings/string_view.h"
#include "absl/types/span.h"
#include "fuzz/fuzz_check.h"
#include "model/artifact.h"

extern "C" int LLVMFuzzerTestOneInput(const uint8_t* data, size_t size) {
  absl::string_view json(reinterpret_cast<const char*>(data), size);
  auto artifact = regserve::model::ParseArtifactJson(json, "fuzz/model.json");
  if (!artifact.ok()) return 0;
  auto model = regserve::model::ModelFromArtifact(*artifact);
  if (!model.ok()) return 0;

  const int k = model->num_features();
  FUZZ_CHECK(k > 0);
  FUZZ_CHECK(static_cast<int>(model->feature_names().size()) == k);
  for (int j = 0; j < k; ++j) {
    FUZZ_CHECK(model->FeatureIndex(model->feature_names()[j]) == j);
  }
  // The training means (validated finite) and a sample row, if any.
  std::vector<double> row(k);
  for (int j = 0; j < k; ++j) {
    row[j] = model->params().feature_domains[j].mean;
  }
  std::vector<double> out(k);
  for (int pass = 0; pass < 2; ++pass) {
    (void)model->Predict(row);
    model->Contributions(row, absl::MakeSpan(out));
    (void)model->Baseline();
    // A request may ask for any level in (0, 1), up to the largest below 1.
    for (double level : {0.95, 0.5, 0.999, std::nextafter(1.0, 0.0)}) {
      (void)model->PredictionInterval(row, level);
      (void)model->ConfidenceInterval(row, level);
    }
    if (artifact->samples_size() == 0) break;
    const auto& sample = artifact->samples(0).features();
    row.assign(sample.begin(), sample.end());
  }
  return 0;
}
