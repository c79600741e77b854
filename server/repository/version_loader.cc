#include "server/repository/version_loader.h"

#include <utility>

#include "absl/status/status.h"
#include "absl/strings/str_cat.h"
#include "common/status_macros.h"
#include "model/artifact.h"
#include "model/artifact_store.h"

namespace regserve::server {

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
  // ModelFromArtifact validates everything and re-predicts the samples: the
  // warm-up that rejects a version whose coefficients and samples disagree.
  auto loaded = model::ModelFromArtifact(artifact);
  if (!loaded.ok()) {
    return absl::InvalidArgumentError(
        absl::StrCat(path, ": ", loaded.status().message()));
  }
  std::shared_ptr<const metrics::ModelMetrics> handles;
  if (metrics != nullptr) {
    auto made = metrics->ForModel(*loaded);
    if (!made.ok()) {
      return absl::InternalError(
          absl::StrCat(path, ": ", made.status().message()));
    }
    handles = *std::move(made);
  }
  return std::make_shared<const ServedModel>(
      ServedModel{*std::move(loaded), std::move(artifact), std::move(handles)});
}

}  // namespace regserve::server
