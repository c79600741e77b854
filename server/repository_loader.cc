#include "server/repository_loader.h"

#include <utility>
#include <vector>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "absl/strings/str_join.h"
#include "common/logging.h"
#include "common/status_macros.h"
#include "model/artifact.h"
#include "model/artifact_store.h"

namespace regserve::server {
namespace {

absl::StatusOr<std::shared_ptr<const ServedModel>> LoadVersion(
    const std::string& repository, const std::string& name, int64_t version,
    metrics::ServerMetrics* metrics) {
  const std::string path = model::ArtifactPath(repository, name, version);
  ASSIGN_OR_RETURN(auto artifact, model::ReadArtifactFile(path));
  if (artifact.name() != name || artifact.version() != version) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": artifact says ", artifact.name(), " version ",
                     artifact.version(), ", its directory says ", name,
                     " version ", version));
  }
  auto loaded = model::ModelFromArtifact(artifact);
  if (!loaded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", loaded.status().message()));
  }
  std::shared_ptr<const metrics::ModelMetrics> handles;
  if (metrics != nullptr) {
    handles = metrics->ForModel(*loaded);
    metrics->SetLoaded(name, version, true);
  }
  return std::make_shared<const ServedModel>(
      ServedModel{*std::move(loaded), std::move(artifact), std::move(handles)});
}

// The newest version that loads; every failure on the way is reported.
absl::StatusOr<ModelVersions> LoadLatest(const std::string& repository,
                                         const std::string& name,
                                         metrics::ServerMetrics* metrics) {
  ASSIGN_OR_RETURN(std::vector<int64_t> versions,
                   model::ListVersions(repository, name));
  std::vector<std::string> failures;
  for (auto v = versions.rbegin(); v != versions.rend(); ++v) {
    auto loaded = LoadVersion(repository, name, *v, metrics);
    if (metrics != nullptr) metrics->RecordLoad(name, loaded.ok());
    if (loaded.ok()) {
      LOG(INFO) << "loaded model " << name << " version " << *v;
      return ModelVersions{{*v, *std::move(loaded)}};
    }
    LOG(ERROR) << "rejected model " << name << " version " << *v << ": "
               << loaded.status().message();
    failures.emplace_back(loaded.status().message());
  }
  return absl::NotFoundError(absl::StrCat(
      "model ", name, " has no loadable version under ", repository,
      failures.empty() ? "" : ": ", absl::StrJoin(failures, "; ")));
}

}  // namespace

absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> LoadRepository(
    const std::string& repository, const std::string& default_model,
    metrics::ServerMetrics* metrics) {
  ASSIGN_OR_RETURN(std::vector<std::string> names,
                   model::ListModelNames(repository));
  absl::flat_hash_map<std::string, ModelVersions> models;
  for (const std::string& name : names) {
    auto versions = LoadLatest(repository, name, metrics);
    if (versions.ok()) {
      models.emplace(name, *std::move(versions));
    } else if (name == default_model) {
      return versions.status();
    } else {
      LOG(WARNING) << versions.status().message();
    }
  }
  if (!models.contains(default_model)) {
    return absl::NotFoundError(absl::StrCat(
        "default model '", default_model, "' is not in ", repository,
        " (models found: [", absl::StrJoin(names, ", "), "])"));
  }
  return std::make_shared<const RegistrySnapshot>(std::move(models),
                                                  default_model);
}

}  // namespace regserve::server
