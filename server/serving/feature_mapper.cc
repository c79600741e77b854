#include "server/serving/feature_mapper.h"

#include <algorithm>
#include <cmath>

#include "absl/container/flat_hash_set.h"
#include "absl/container/inlined_vector.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/echo.h"
#include "server/serving/feature_errors.h"

namespace regserve::server {
namespace {

// Names of the features not marked in `seen`, in model order.
std::vector<std::string> Missing(const model::LinearModel& model,
                                 absl::Span<const bool> seen) {
  std::vector<std::string> missing;
  for (int j = 0; j < model.num_features(); ++j) {
    if (!seen[j]) missing.push_back(model.feature_names()[j]);
  }
  return missing;
}

// The inputs not marked in `seen`, in input order.
std::vector<std::string> MissingInputs(const model::InputEncoding& inputs,
                                       absl::Span<const bool> seen) {
  std::vector<std::string> missing;
  for (size_t i = 0; i < seen.size(); ++i) {
    if (!seen[i]) missing.push_back(inputs.input_names()[i]);
  }
  return missing;
}

// The numeric-only path (no factor in the model, no categorical feature
// sent): every name is a term.
absl::Status MapNumericFeatures(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, double>& features,
    absl::string_view where, absl::Span<double> row) {
  absl::InlinedVector<bool, 32> seen(model.num_features(), false);
  std::vector<std::string> unknown;
  for (const auto& [name, value] : features) {
    std::optional<int> j = model.FeatureIndex(name);
    if (!j) {
      unknown.push_back(name);
      continue;
    }
    if (!std::isfinite(value)) return NotFinite(where, name, value);
    seen[*j] = true;
    row[*j] = value;
  }
  if (unknown.empty() &&
      features.size() == static_cast<size_t>(model.num_features())) {
    return absl::OkStatus();
  }
  return NameError(where, Missing(model, seen), std::move(unknown));
}

}  // namespace

absl::Status MapNamedFeatures(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, double>& features,
    const google::protobuf::Map<std::string, std::string>& categorical,
    absl::string_view where, absl::Span<double> row,
    const metrics::ModelMetrics* metrics) {
  if (categorical.empty() && !model.inputs().has_factors()) {
    return MapNumericFeatures(model, features, where, row);
  }
  const model::InputEncoding& inputs = model.inputs();
  absl::InlinedVector<bool, 32> seen(inputs.input_names().size(), false);
  std::vector<std::string> unknown;
  for (const auto& [name, value] : features) {
    const model::InputRef* ref = inputs.Find(name);
    if (ref == nullptr) {
      unknown.push_back(name);
      continue;
    }
    if (ref->categorical) {
      return WrongKind(where, "features", name, true, "categorical_features");
    }
    if (!std::isfinite(value)) return NotFinite(where, name, value);
    seen[ref->input] = true;
    row[ref->index] = value;
  }
  absl::Status level_error;
  for (const auto& [name, level] : categorical) {
    const model::InputRef* ref = inputs.Find(name);
    if (ref == nullptr) {
      unknown.push_back(name);
      continue;
    }
    if (!ref->categorical) {
      return WrongKind(where, "categorical_features", name, false, "features");
    }
    seen[ref->input] = true;
    std::optional<int> term = inputs.LevelTerm(ref->index, level);
    if (term) {
      inputs.SetIndicators(ref->index, *term, row);
      continue;
    }
    // Every unknown level is counted; the first is reported.
    absl::Status refused =
        UnknownLevel(model, ref->index, where, level, metrics);
    if (level_error.ok()) level_error = refused;
  }
  // Names first (as for tables), then levels.
  if (!unknown.empty() ||
      std::find(seen.begin(), seen.end(), false) != seen.end()) {
    return NameError(where, MissingInputs(inputs, seen), std::move(unknown));
  }
  return level_error;
}

void CountUnknownLevels(
    const model::LinearModel& model,
    const google::protobuf::Map<std::string, std::string>& categorical,
    const metrics::ModelMetrics* metrics) {
  if (metrics == nullptr) return;
  for (const auto& [name, level] : categorical) {
    const model::InputRef* ref = model.inputs().Find(name);
    if (ref != nullptr && ref->categorical &&
        !model.inputs().LevelTerm(ref->index, level)) {
      metrics->RecordUnknownLevel(ref->index);
    }
  }
}

}  // namespace regserve::server
