// Builds a registry snapshot from a model repository on disk.
#ifndef REGSERVE_SERVER_REPOSITORY_LOADER_H_
#define REGSERVE_SERVER_REPOSITORY_LOADER_H_

#include <memory>
#include <string>

#include "absl/status/statusor.h"
#include "server/metrics/server_metrics.h"
#include "server/model_registry.h"

namespace regserve::server {

// Loads, for every model under `repository`, its latest version that passes
// full validation (a newer broken version is logged and skipped, so serving
// falls back to the last good one). Fails if `default_model` has no loadable
// version, naming the files and reasons. Runs off the serving path. With
// `metrics` (may be null), counts load attempts, marks loaded versions and
// gives each loaded version its metric handles.
absl::StatusOr<std::shared_ptr<const RegistrySnapshot>> LoadRepository(
    const std::string& repository, const std::string& default_model,
    metrics::ServerMetrics* metrics = nullptr);

}  // namespace regserve::server

#endif  // REGSERVE_SERVER_REPOSITORY_LOADER_H_
