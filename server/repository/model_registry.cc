#include "server/repository/model_registry.h"

#include <algorithm>
#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/echo.h"

namespace regserve::server {

RegistrySnapshot::RegistrySnapshot(
    absl::flat_hash_map<std::string, ModelVersions> models,
    std::string default_model,
    absl::flat_hash_map<std::string, VersionLabels> labels)
    : models_(std::move(models)),
      default_model_(std::move(default_model)),
      labels_(std::move(labels)) {}

absl::Status CheckVersionOrLabel(int64_t version, absl::string_view label) {
  if (version != 0 && !label.empty()) {
    return absl::InvalidArgumentError(
        "set model_spec.version or model_spec.version_label, not both");
  }
  return absl::OkStatus();
}

absl::StatusOr<const ServedModel*> RegistrySnapshot::Find(
    absl::string_view name, int64_t version, absl::string_view label) const {
  const absl::string_view resolved = name.empty() ? default_model_ : name;
  if (!label.empty()) {
    if (absl::Status one = CheckVersionOrLabel(version, label); !one.ok()) {
      return one;
    }
    auto labelled = ResolveLabel(resolved, label);
    if (!labelled.ok()) return labelled.status();
    version = *labelled;
  }
  auto it = models_.find(resolved);
  if (it == models_.end() || it->second.empty()) {
    return absl::NotFoundError(absl::StrCat(
        "model '", common::Echo(resolved), "' is not loaded; loaded models: [",
        common::EchoList(ModelNames()), "]"));
  }
  const ModelVersions& versions = it->second;
  if (version == 0) return versions.rbegin()->second.get();
  auto v = versions.find(version);
  if (v == versions.end()) {
    return absl::NotFoundError(absl::StrCat(
        "version ", version,
        label.empty() ? ""
                      : absl::StrCat(" (label '", common::Echo(label), "')"),
        " of model '", resolved, "' is not loaded; loaded versions: [",
        absl::StrJoin(Versions(resolved), ", "), "]"));
  }
  return v->second.get();
}

absl::StatusOr<int64_t> RegistrySnapshot::ResolveLabel(
    absl::string_view model, absl::string_view label) const {
  const VersionLabels& labels = Labels(model);
  auto it = labels.find(label);
  if (it != labels.end()) return it->second;
  std::vector<std::string> known;
  for (const auto& [name, unused] : labels) known.push_back(name);
  std::sort(known.begin(), known.end());
  return absl::NotFoundError(absl::StrCat(
      "label '", common::Echo(label), "' of model '", common::Echo(model),
      "' is not defined; labels: [", common::EchoList(known), "]"));
}

std::vector<int64_t> RegistrySnapshot::Versions(absl::string_view name) const {
  std::vector<int64_t> out;
  auto it = models_.find(name.empty() ? default_model_ : name);
  if (it == models_.end()) return out;
  for (const auto& [version, unused] : it->second) out.push_back(version);
  return out;
}

std::vector<std::string> RegistrySnapshot::ModelNames() const {
  std::vector<std::string> names;
  for (const auto& [name, unused] : models_) names.push_back(name);
  std::sort(names.begin(), names.end());
  return names;
}

const VersionLabels& RegistrySnapshot::Labels(absl::string_view name) const {
  static const VersionLabels* const kNone = new VersionLabels();
  auto it = labels_.find(name.empty() ? default_model_ : name);
  return it == labels_.end() ? *kNone : it->second;
}

bool RegistrySnapshot::HasModel(absl::string_view name) const {
  auto it = models_.find(name);
  return it != models_.end() && !it->second.empty();
}

ModelRegistry::ModelRegistry()
    : current_(std::make_shared<const RegistrySnapshot>(
          absl::flat_hash_map<std::string, ModelVersions>{}, "")) {}

}  // namespace regserve::server
